"""Background work: both apps accept a task for a name and run it once the response is done.

The table on the page is the contract: for each query string, each app's
status and what its task printed (or that no task ran).
"""

import time

import pytest

from support.apps import get_app
from support.clients import in_process_client, socket_client
from support.exchanges import check_exchange, shown_exchanges
from support.paths import SNIPPETS
from support.servers import Server, running_servers
from support.tables import TABLES, literal, read_pipe_table

TOPIC = "background_tasks"


@pytest.mark.parametrize("exchange", shown_exchanges(TOPIC), ids=str)
def test_page_shows_what_the_app_answers(exchange, update_shown):
    check_exchange(exchange, in_process_client(exchange.app), update=update_shown)


TABLE = TABLES[TOPIC]


@pytest.mark.parametrize("column", TABLE.columns, ids=TABLE.columns.values())
@pytest.mark.parametrize("row", TABLE.rows(), ids=str)
def test_bad_input_table_states_each_answer_and_task(row, column, capsys):
    response = TABLE.send(row, in_process_client(get_app(TOPIC, TABLE.columns[column])))
    assert response.status_code == row.statuses[column]
    printed = literal(row.cells[f"{column}'s task prints"])
    assert capsys.readouterr().out == ("" if printed is None else printed + "\n")


TIMING_WAIT = 1.0
TIMING_TABLE = SNIPPETS / TOPIC / "timing.md"
TIMINGS = read_pipe_table(TIMING_TABLE)


@pytest.fixture(scope="module")
def timing_servers():
    servers = [Server(get_app(TOPIC, "fastapi_timing")), Server(get_app(TOPIC, "flask_timing"))]
    with running_servers(servers, env={"SIMULATED_IO_SECONDS": str(TIMING_WAIT)}) as running:
        yield {server.app.framework: each for server, each in running.items()}


def wait_for_output(server, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while text not in server.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    return text in server.output()


@pytest.mark.parametrize("row", TIMINGS, ids=lambda row: literal(row["Endpoint"]))
def test_when_the_slow_task_runs(timing_servers, row):
    """Over a real socket: does the response arrive before or after the slow task?"""
    server = timing_servers[row["Framework"].lower()]
    with socket_client(server.base_url) as client:
        started = time.monotonic()
        response = client.post(literal(row["Endpoint"]), params={"name": "Alice"})
        elapsed = time.monotonic() - started
    # Let the task finish first, so a failure here cannot delay the next request.
    finished = wait_for_output(server, "Finished slow task for Alice", 2 * TIMING_WAIT)
    assert response.status_code == 200
    if row["The client waits for the slow task"] == "yes":
        assert elapsed >= TIMING_WAIT, f"answered in {elapsed:.2f} s"
    else:
        assert elapsed < TIMING_WAIT / 2, f"answered in {elapsed:.2f} s"
    assert finished
