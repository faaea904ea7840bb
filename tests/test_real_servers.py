"""Every snippet app under its production server answers its contract over a real socket.

The contract is the same as in process (tests/test_contracts.py): the shown
exchanges and the bad-input tables. FastAPI apps run under uvicorn and Flask
apps under gunicorn, from the session's server pool (harness/servers.py):
each test declares the app it talks to, so only the selected tests' apps are
started, all at once, and all are stopped when the session ends, pass or fail.
"""

import itertools
import os
import re

import pytest

from harness.apps import all_apps, get_app
from harness.project import ROOT
from harness.servers import PRODUCTION, Server, running_servers, serves
from support.clients import socket_client
from support.exchanges import ORDERED_TOPICS, all_shown_exchanges, check_exchange
from support.tables import bad_input_cases

pytestmark = pytest.mark.servers

# The database apps share a SQLite file in process; test_database.py serves
# each on its own file, so they are left out here.
APPS = [app for app in all_apps() if app.topic not in ORDERED_TOPICS]
EXCHANGES = all_shown_exchanges()


@pytest.mark.parametrize(
    "exchange",
    [pytest.param(exchange, marks=serves(Server(exchange.app))) for exchange in EXCHANGES],
    ids=str,
)
def test_answers_over_a_socket_as_shown(served, exchange, update_shown):
    if update_shown:
        pytest.skip("--update-examples rewrites the shown files in process; compare on the next run")
    with socket_client(served[Server(exchange.app)].base_url) as client:
        check_exchange(exchange, client)


@pytest.mark.parametrize(
    ("row", "app"),
    [pytest.param(row, app, marks=serves(Server(app))) for row, app in bad_input_cases()],
    ids=str,
)
def test_answers_bad_input_over_a_socket_as_the_table_says(served, row, app):
    with socket_client(served[Server(app)].base_url) as client:
        assert row.send(client).status_code == row.statuses[app.name]


@pytest.mark.parametrize("app", [pytest.param(app, marks=serves(Server(app))) for app in APPS], ids=str)
def test_is_served_by_its_production_server(served, app):
    with socket_client(served[Server(app)].base_url) as client:
        server_header = client.get("/").headers["server"]
    assert server_header.startswith(PRODUCTION[app.framework].program)


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


def test_a_server_the_test_does_not_declare_is_an_error(served):
    with pytest.raises(LookupError, match="does not declare hello/flask under gunicorn"):
        served[Server(get_app("hello", "flask"))]


def test_selecting_one_topic_starts_only_its_servers(pytester):
    """Selecting hello's tests runs them against hello's four apps, and the pool starts nothing else."""
    # The templates page has an exchange named "hello" too: `-k hello` alone selects its apps as well.
    selection = ["-k", "hello and not templates"]
    options = ["-v", "--no-cov", f"--rootdir={ROOT}", "-c", ROOT / "pyproject.toml"]
    this_module = ROOT / "tests" / "test_real_servers.py"
    result = pytester.runpytest_subprocess(this_module, *selection, *options, timeout=120)
    assert result.ret == 0, result.stdout.str()
    lines = result.stdout.lines
    heading = next(number for number, line in enumerate(lines) if re.fullmatch(r"=+ server pool =+", line))
    report = [
        line
        for line in itertools.takewhile(lambda line: not line.startswith("="), lines[heading + 1 :])
        if line
    ]
    assert re.fullmatch(r"started 4 servers at once in [\d.]+ s", report[0]), report
    assert report[1:] == [
        "  hello/fastapi under uvicorn",
        "  hello/fastapi_async under uvicorn",
        "  hello/flask under gunicorn",
        "  hello/quart under hypercorn",
    ]
