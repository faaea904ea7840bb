"""Request validation: the article's examples, their robust versions, and every bad body.

The bad-input table on the page is the contract: each row is a request, each
status column one app, and this module sends every row to every app.
"""

import pytest

from support.apps import get_app
from support.clients import in_process_client
from support.exchanges import check_exchange, shown_exchanges
from support.tables import TABLES

TOPIC = "validation"
TABLE = TABLES[TOPIC]
ROWS = TABLE.rows()
ROBUST_APPS = ["fastapi_robust", "flask_robust"]


@pytest.mark.parametrize("exchange", shown_exchanges(TOPIC), ids=str)
def test_page_shows_what_the_app_answers(exchange, update_shown):
    check_exchange(exchange, in_process_client(exchange.app), update=update_shown)


@pytest.mark.parametrize("column", TABLE.columns, ids=TABLE.columns.values())
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_bad_input_table_states_each_answer(row, column):
    client = in_process_client(get_app(TOPIC, TABLE.columns[column]))
    assert TABLE.send(row, client).status_code == row.statuses[column]


@pytest.mark.parametrize("name", ROBUST_APPS)
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_robust_apps_answer_json_and_never_5xx(row, name):
    response = TABLE.send(row, in_process_client(get_app(TOPIC, name)))
    assert response.status_code < 500
    assert response.headers["content-type"] == "application/json"


def test_table_has_every_kind_of_bad_input():
    required = {
        "missing field",
        "wrong type",
        "malformed JSON",
        "JSON null",
        "JSON list",
        "wrong Content-Type",
        "no Content-Type",
        "empty body",
    }
    assert required <= {row.case for row in ROWS}
