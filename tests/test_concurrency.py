"""Concurrency, measured: the scenarios table on the page, run against real servers.

Each row names an app, the server that runs it, an endpoint, how many
requests are sent at once and how long each waits; the test sends them and
checks how they ran. Bounds are loose on purpose: "one at a time" needs at
least N waits (a hard floor), "all at once" under two waits.
"""

import itertools
import shlex
from contextlib import ExitStack

import pytest

from support.apps import get_app
from support.concurrency import time_concurrent_gets
from support.paths import SNIPPETS
from support.servers import Server, running_servers
from support.tables import literal, read_pipe_table

TOPIC = "concurrency"
SERVED_BY = {
    "uvicorn": "uvicorn",
    "flask run": "flask-run",
    "flask run --without-threads": "flask-run-without-threads",
    "gunicorn --workers 1": "gunicorn",
    "gunicorn --workers 1 --threads 8": "gunicorn-gthread",
}
THREAD_POOL_SIZE = 40  # AnyIO's default, which FastAPI uses for `def` endpoints


def scenarios() -> list[dict]:
    rows = read_pipe_table(SNIPPETS / TOPIC / "scenarios.md")
    for row in rows:
        row["server"] = Server(get_app(TOPIC, row["Framework"].lower()), SERVED_BY[literal(row["Served by"])])
        row["wait"] = float(row["Each waits"].removesuffix(" s"))
        row["count"] = int(row["Requests at once"])
    return rows


SCENARIOS = scenarios()


def scenario_id(row) -> str:
    return f"{row['server']}:{literal(row['Endpoint'])}x{row['count']}"


@pytest.mark.parametrize("row", SCENARIOS, ids=scenario_id)
def test_served_by_cell_is_the_command_run(row):
    """The table names the server and its options; the command the test runs must have them."""
    program, *options = shlex.split(literal(row["Served by"]))
    command = row["server"].command(8000)
    assert command[2] == program.replace("flask run", "flask")
    assert set(options) <= set(command)


@pytest.fixture(scope="module")
def base_urls():
    """One running server per (server, wait) pair the table needs, keyed the same way."""
    needed = sorted({(row["server"], row["wait"]) for row in SCENARIOS}, key=str)
    urls = {}
    with ExitStack() as stack:
        for wait, group in itertools.groupby(
            sorted(needed, key=lambda pair: pair[1]), key=lambda pair: pair[1]
        ):
            servers = [server for server, _ in group]
            running = stack.enter_context(running_servers(servers, env={"SIMULATED_IO_SECONDS": str(wait)}))
            urls.update({(server, wait): each.base_url for server, each in running.items()})
        yield urls


@pytest.mark.parametrize("row", SCENARIOS, ids=scenario_id)
def test_scenario_runs_as_the_page_says(base_urls, row):
    wait, count, how = row["wait"], row["count"], row["They ran"]
    elapsed = time_concurrent_gets(base_urls[row["server"], wait], literal(row["Endpoint"]), count)
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
