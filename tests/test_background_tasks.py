"""Background work: both apps accept a task for a name and run it once the response is done.

The table on the page gives, for each request, each app's status (checked by
tests/test_contracts.py) and what its task printed, or that no task ran
(checked here). Over real servers, the timing table says when each kind of
callback runs relative to the response.
"""

import time

import pytest

from support.apps import get_app
from support.clients import in_process_client, socket_client
from support.paths import SNIPPETS
from support.servers import Server, running_servers
from support.tables import bad_input_rows, literal, read_pipe_table

TOPIC = "background_tasks"


@pytest.mark.parametrize("row", bad_input_rows(TOPIC), ids=str)
@pytest.mark.parametrize("framework", ["FastAPI", "Flask"])
def test_task_prints_what_the_table_says(row, framework, capsys):
    row.send(in_process_client(get_app(TOPIC, framework.lower())))
    printed = literal(row.cells[f"{framework}'s task prints"])
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
