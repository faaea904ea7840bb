"""Every deployment command on the page, started for real on 127.0.0.1, answers its health check.

The command runs as shown, with port 8000 swapped for a free one, in the
session's server pool (harness/servers.py); the test also counts
the processes it started, to check the worker model the table states.
"""

import importlib.metadata
import re
import time

import pytest

from harness.processes import process_group
from harness.project import SNIPPETS
from harness.servers import HOST, ShownCommand, serves
from support.clients import socket_client
from support.tables import literal, read_pipe_table

ROWS = read_pipe_table(
    SNIPPETS / "deployment" / "commands.md", reads=("Framework", "Server", "Command", "What serves requests")
)


def option(command: str, name: str) -> int | None:
    found = re.search(rf"{name} (\d+)", command)
    return int(found.group(1)) if found else None


@pytest.mark.parametrize(
    "row",
    [pytest.param(row, marks=serves(ShownCommand(literal(row["Command"])))) for row in ROWS],
    ids=lambda row: f"{row['Framework']}-{row['Server']}",
)
def test_command_serves_the_app(served, row):
    command, stated = literal(row["Command"]), row["What serves requests"]
    assert HOST in command, "commands on the page bind to loopback only"
    server = served[ShownCommand(command)]
    with socket_client(server.base_url) as client:
        assert client.get("/health").json() == {"status": "ok"}
    workers, threads = option(command, "--workers"), option(command, "--threads")
    # The last column must say what the command asks for...
    assert (f"{workers} worker processes" in stated) if workers else ("1 process" in stated)
    assert f"{threads} threads each" in stated if threads else "threads each" not in stated
    # ...and the server must start that many: a supervisor (with at most one
    # helper process) and its workers; the first worker may answer before the
    # others have booted.
    # A server that reloads on change runs the app in a child of the process watching the files.
    expected = (workers or 0) + 1 + ("reloads when a file changes" in stated)
    deadline = time.monotonic() + 15
    while len(process_group(server.process.pid)) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert expected <= len(process_group(server.process.pid)) <= expected + 1, server.output()


def test_fastapi_requirements_the_page_states():
    metadata = importlib.metadata.metadata("fastapi")
    assert metadata["Requires-Python"] == ">=3.11"
    assert "pydantic>=2.9.0" in metadata.get_all("Requires-Dist")
