"""Request validation: what the bad-input table cannot say on its own.

The table on the page (checked by tests/test_contracts.py) gives each app's
status for every kind of bad body. Here: the table covers every kind the
site promises, and the robust versions always answer with valid JSON.
"""

import pytest

from support.apps import get_app
from support.clients import in_process_client
from support.exchanges import strict_json
from support.tables import request_rows

TOPIC = "validation"
ROWS = request_rows(TOPIC)
ROBUST_APPS = [get_app(TOPIC, "fastapi_robust"), get_app(TOPIC, "flask_robust")]
REQUIRED_CASES = {
    "missing field",
    "wrong type",
    "malformed JSON",
    "JSON null",
    "JSON list",
    "wrong Content-Type",
    "no Content-Type",
    "empty body",
}


def test_table_has_every_kind_of_bad_input():
    assert {row.case for row in ROWS} >= REQUIRED_CASES


@pytest.mark.parametrize("app", ROBUST_APPS, ids=str)
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_robust_apps_answer_valid_json(row, app):
    response = row.send(in_process_client(app))
    assert response.headers["content-type"] == "application/json"
    strict_json(response.text)
