"""Routing: the Allow header each framework sends with a 405, as the page's table states it.

The table's FastAPI column is the routing example as shown; the next column is
the same app with snippets/routing/complete_allow.py registered, loaded as a
fresh copy so the shown app stays as it is.
"""

import importlib.util

import pytest
from fastapi.testclient import TestClient

from harness.apps import get_app
from harness.project import SNIPPETS
from snippets.routing.complete_allow import method_not_allowed
from support.clients import in_process_client
from support.tables import literal, read_pipe_table

TOPIC = "routing"
COMPLETED = "FastAPI with `method_not_allowed`"
ROWS = read_pipe_table(SNIPPETS / TOPIC / "allow.md", reads=("Request", "FastAPI", COMPLETED, "Flask"))


def methods(header: str) -> set[str]:
    return {method.strip() for method in header.split(",")}


def routing_app_with_complete_allow():
    """A fresh copy of the shown FastAPI app, with the 405 handler registered."""
    path = SNIPPETS / TOPIC / "fastapi_app.py"
    spec = importlib.util.spec_from_file_location("routing_with_complete_allow", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.app.add_exception_handler(405, method_not_allowed)
    return module.app


CLIENTS = {
    "FastAPI": lambda: in_process_client(get_app(TOPIC, "fastapi")),
    COMPLETED: lambda: TestClient(routing_app_with_complete_allow()),
    "Flask": lambda: in_process_client(get_app(TOPIC, "flask")),
}


@pytest.mark.parametrize("column", CLIENTS)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: literal(row["Request"]))
def test_a_405_lists_the_methods_the_table_states(row, column):
    method, path = literal(row["Request"]).split(" ", 1)
    response = CLIENTS[column]().request(method, path)
    assert response.status_code == 405
    assert methods(response.headers["allow"]) == methods(literal(row[column]))


def test_the_completed_allow_lists_every_method_of_the_path_and_no_other():
    """Each method the completed header names really is served there, and each one it leaves out is not."""
    client = TestClient(routing_app_with_complete_allow())
    for row in ROWS:
        path = literal(row["Request"]).split(" ", 1)[1]
        allowed = methods(literal(row[COMPLETED]))
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            assert (client.request(method, path).status_code != 405) == (method in allowed), (method, path)
