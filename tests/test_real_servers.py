"""Every snippet app under its production server answers its contract over a real socket.

The contract is the same as in process (tests/test_contracts.py): the shown
exchanges and the bad-input tables. FastAPI apps run under uvicorn and Flask
apps under gunicorn, all started at once on free 127.0.0.1 ports and stopped
when the module ends, pass or fail.
"""

import os

import pytest

from support.apps import all_apps
from support.clients import socket_client
from support.exchanges import ORDERED_TOPICS, all_shown_exchanges, check_exchange
from support.servers import PRODUCTION_SERVER, Server, running_servers
from support.tables import bad_input_cases

# The database apps share a SQLite file in process; test_database.py serves
# each on its own file, so they are left out of this batch.
APPS = [app for app in all_apps() if app.topic not in ORDERED_TOPICS]
EXCHANGES = all_shown_exchanges()


@pytest.fixture(scope="module")
def servers():
    """Each app's base URL under its production server."""
    with running_servers([Server(app) for app in APPS]) as running:
        yield {server.app: each.base_url for server, each in running.items()}


@pytest.mark.parametrize("exchange", EXCHANGES, ids=str)
def test_answers_over_a_socket_as_shown(servers, exchange, update_shown):
    if update_shown:
        pytest.skip("--update-examples rewrites the shown files in process; compare on the next run")
    with socket_client(servers[exchange.app]) as client:
        check_exchange(exchange, client)


@pytest.mark.parametrize(("row", "app"), bad_input_cases(), ids=str)
def test_answers_bad_input_over_a_socket_as_the_table_says(servers, row, app):
    with socket_client(servers[app]) as client:
        assert row.send(client).status_code == row.statuses[app.name]


@pytest.mark.parametrize("app", APPS, ids=str)
def test_is_served_by_its_production_server(servers, app):
    with socket_client(servers[app]) as client:
        server_header = client.get("/").headers["server"]
    assert server_header.startswith(PRODUCTION_SERVER[app.framework])


def test_every_app_has_a_shown_exchange():
    assert set(APPS) <= {exchange.app for exchange in EXCHANGES}


def test_servers_stop_with_their_workers_when_a_test_fails():
    app = next(app for app in APPS if app.framework == "flask")
    groups = []
    with pytest.raises(RuntimeError, match="a failing test"), running_servers([Server(app)]) as running:
        groups = [each.process.pid for each in running.values()]
        raise RuntimeError("a failing test")
    for group in groups:
        with pytest.raises(ProcessLookupError):
            os.killpg(group, 0)  # no process of the group (master or worker) is left
