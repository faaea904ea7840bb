"""CORS: which origin each app names in Access-Control-Allow-Origin, row by row as the page's table says.

The statuses in the same table are checked by tests/test_contracts.py.
"""

import pytest

from harness.apps import get_app
from support.clients import in_process_client
from support.tables import literal, request_rows


@pytest.mark.parametrize("framework", ["FastAPI", "Flask"])
@pytest.mark.parametrize("row", request_rows("cors"), ids=str)
def test_allowed_origin_header(row, framework):
    response = row.send(in_process_client(get_app("cors", framework.lower())))
    expected = literal(row.cells[f"{framework}'s Access-Control-Allow-Origin"])
    assert response.headers.get("Access-Control-Allow-Origin") == expected
