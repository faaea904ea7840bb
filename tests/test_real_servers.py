"""Every snippet app under its production server answers its contract over a real socket.

The contract is the same as in process: the shown exchanges and the
bad-input tables. FastAPI apps run under uvicorn and Flask apps under gunicorn, all started at
once on free 127.0.0.1 ports and stopped when the module ends, pass or fail.
"""

import pytest

from support.apps import all_apps, get_app
from support.clients import socket_client
from support.exchanges import check_exchange, shown_exchanges
from support.servers import Server, running_servers
from support.tables import TABLES

APPS = all_apps()
TOPICS = sorted({app.topic for app in APPS})
EXCHANGES = [exchange for topic in TOPICS for exchange in shown_exchanges(topic)]
TABLE_ROWS = [
    pytest.param(table, row, get_app(table.topic, name), id=f"{table.topic}/{name}:{row.case}")
    for table in TABLES.values()
    for row in table.rows()
    for name in table.columns.values()
]


@pytest.fixture(scope="module")
def servers():
    """Each app's base URL under its production server."""
    with running_servers([Server(app) for app in APPS]) as running:
        yield {server.app: each.base_url for server, each in running.items()}


@pytest.mark.parametrize("exchange", EXCHANGES, ids=str)
def test_answers_over_a_socket_as_shown(servers, exchange):
    with socket_client(servers[exchange.app]) as client:
        check_exchange(exchange, client)


@pytest.mark.parametrize(("table", "row", "app"), TABLE_ROWS, ids=str)
def test_answers_bad_input_over_a_socket_as_the_table_says(servers, table, row, app):
    column = next(heading for heading, name in table.columns.items() if name == app.name)
    with socket_client(servers[app]) as client:
        assert table.send(row, client).status_code == row.statuses[column]


@pytest.mark.parametrize("app", APPS, ids=str)
def test_runs_under_its_production_server(app):
    server = {"fastapi": "uvicorn", "flask": "gunicorn"}[app.framework]
    assert Server(app).command(8000)[1:3] == ["-m", server]


def test_every_app_has_a_shown_exchange():
    assert {exchange.app for exchange in EXCHANGES} == set(APPS)
