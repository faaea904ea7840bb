"""Concurrency, measured: the scenarios table on the page, run against real servers.

Each row names an app, the server that runs it (its `Served by` cell, looked
up in scripts/server_commands.py), an endpoint, how many requests are sent at
once and how long each waits; the test sends them and checks how they ran.
Rows with the same app, server and wait share one server of the session's
pool. Bounds are loose on purpose: "one at a time" needs at least N waits (a
hard floor), "all at once" under two waits.
"""

import shlex

import pytest

from scripts.server_commands import SERVER_COMMANDS, installed_program, shown_as
from support.apps import get_app
from support.concurrency import time_concurrent_gets
from support.paths import SNIPPETS
from support.server_pool import serves
from support.servers import Server
from support.tables import literal, read_pipe_table

TOPIC = "concurrency"
THREAD_POOL_SIZE = 40  # AnyIO's default, which FastAPI uses for `def` endpoints


def scenarios() -> list[dict]:
    rows = read_pipe_table(
        SNIPPETS / TOPIC / "scenarios.md",
        reads=("Framework", "Served by", "Endpoint", "Requests at once", "Each waits", "They ran"),
    )
    for row in rows:
        row["wait"] = float(row["Each waits"].removesuffix(" s"))
        row["count"] = int(row["Requests at once"])
        row["server"] = Server(
            get_app(TOPIC, row["Framework"].lower()),
            shown_as(literal(row["Served by"])),
            env={"SIMULATED_IO_SECONDS": str(row["wait"])},
        )
    return rows


SCENARIOS = scenarios()


def scenario_id(row) -> str:
    server = row["server"]
    return f"{server.app} under {server.served_by.name}:{literal(row['Endpoint'])}x{row['count']}"


@pytest.mark.parametrize("row", SCENARIOS, ids=scenario_id)
def test_served_by_cell_is_the_command_run(row):
    """The table names the server and its options; the command the test runs must have them."""
    program, *options = shlex.split(literal(row["Served by"]))
    command = row["server"].command(8000)
    assert command[0] == installed_program(program)
    assert set(options) <= set(command)


def test_an_unknown_served_by_cell_fails_naming_the_known_ones():
    with pytest.raises(LookupError) as unknown:
        shown_as("hypercorn")
    assert "'hypercorn'" in str(unknown.value)
    assert all(repr(server.shown) in str(unknown.value) for server in SERVER_COMMANDS)


@pytest.mark.parametrize(
    "row", [pytest.param(row, marks=serves(row["server"])) for row in SCENARIOS], ids=scenario_id
)
def test_scenario_runs_as_the_page_says(served, row):
    wait, count, how = row["wait"], row["count"], row["They ran"]
    elapsed = time_concurrent_gets(served[row["server"]].base_url, literal(row["Endpoint"]), count)
    print(f"{scenario_id(row)}: {elapsed:.2f} s")
    if how == "all at once":
        assert wait <= elapsed < 2 * wait, f"{count} requests took {elapsed:.2f} s"
    elif how == "one at a time":
        assert elapsed >= count * wait * 0.95, f"{count} requests took {elapsed:.2f} s"
    elif how == "in two waves":
        assert count > THREAD_POOL_SIZE
        assert 2 * wait <= elapsed < 3 * wait, f"{count} requests took {elapsed:.2f} s"
    else:
        raise ValueError(f"unknown outcome {how!r}")
