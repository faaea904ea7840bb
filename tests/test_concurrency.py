"""Concurrency, measured: the scenarios table on the page, run against real servers.

Each row names an app, the server that runs it (its `Served by` cell, looked
up in harness/servers.py), an endpoint, how many requests are sent at
once and how long each waits; the test sends them and checks how they ran.
Rows with the same app, server and wait share one server of the session's
pool. Bounds are loose on purpose: "one at a time" needs at least N waits (a
hard floor), "all at once" under two waits.

Then what the table cannot show: FastAPI's thread pool is shared with `def`
dependencies (fastapi_shared_pool_app.py, timed against uvicorn with a pool
of two), and a Flask async view runs on a thread of its own, in process,
where the awaits it gathers wait together.
"""

import asyncio
import shlex
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anyio.to_thread
import httpx2
import pytest
from fastapi.testclient import TestClient
from flask import Flask

from harness.apps import get_app
from harness.project import SNIPPETS
from harness.servers import SERVER_COMMANDS, Server, installed_program, serves, shown_as
from support.clients import socket_client
from support.concurrency import time_concurrent_gets
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


@pytest.mark.timing
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


# The shared pool, shrunk to two threads (or three) so that two `def` requests fill it (or leave one).
SHARED_POOL_APP = get_app(TOPIC, "fastapi_shared_pool")
HOLD = 1.0  # seconds each /thread-wait holds its thread
PROBE_AT = 0.3  # seconds after them, when the two async requests are sent
SHARED_POOL_SERVERS = {
    size: Server(SHARED_POOL_APP, env={"SIMULATED_IO_SECONDS": str(HOLD), "THREAD_POOL_SIZE": str(size)})
    for size in (2, 3)
}


def answered_at(base_url: str, sends: list[tuple[float, str]]) -> list[float]:
    """GET each path at its time (seconds from the start), each on its own connection; when each answered."""
    limits = httpx2.Limits(max_connections=len(sends), max_keepalive_connections=0)
    with socket_client(base_url, limits=limits) as client, ThreadPoolExecutor(len(sends)) as pool:
        start = time.monotonic()

        def get(at: float, path: str) -> float:
            time.sleep(max(0.0, start + at - time.monotonic()))
            assert client.get(path).status_code == 200, path
            return time.monotonic() - start

        futures = [pool.submit(get, at, path) for at, path in sends]
        return [future.result() for future in futures]


@pytest.mark.timing
@pytest.mark.parametrize(
    "size", [pytest.param(size, marks=serves(server)) for size, server in SHARED_POOL_SERVERS.items()]
)
def test_the_thread_pool_is_shared_with_sync_dependencies(served, size):
    """Two `def` endpoints hold two threads; an `async def` endpoint with a `def` dependency then
    waits for a free one if there are only two, while one without a dependency never waits."""
    sends = [(0.0, "/thread-wait"), (0.0, "/thread-wait")]
    sends += [(PROBE_AT, "/without-dependency"), (PROBE_AT, "/with-sync-dependency")]
    first, second, without, with_dependency = answered_at(served[SHARED_POOL_SERVERS[size]].base_url, sends)
    freed = min(first, second)  # when a thread came free
    print(f"pool of {size}: a thread freed at {freed:.2f} s; ", end="")
    print(f"without a dependency {without:.2f} s, with a def dependency {with_dependency:.2f} s")
    assert freed >= HOLD
    assert without < freed - 0.2
    if size == 2:  # both threads held: the dependency's turn comes when one is freed
        assert with_dependency >= freed - 0.1
    else:  # a spare thread: no wait
        assert with_dependency < freed - 0.2


@pytest.mark.parametrize(("setting", "size"), [(None, 40), ("7", 7)])
def test_the_lifespan_sets_the_thread_pool_size(reimport, setting, size):
    """40 threads per process unless the lifespan changes it; the limiter belongs to the event loop."""
    module = reimport(SHARED_POOL_APP, THREAD_POOL_SIZE=setting)
    with TestClient(module.app) as client:
        tokens = client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)
        assert client.get("/with-sync-dependency").json() == {"user": "alice"}
        assert client.get("/without-dependency").json() == {"user": None}
    assert tokens == size


def test_a_flask_async_view_runs_on_a_new_thread_with_a_new_event_loop():
    """Flask hands an `async def` view to asgiref's AsyncToSync, which starts a thread of its own for
    each call and runs `asyncio.run` there, while the worker thread waits for it: each request to
    an async view costs one more thread, and a new event loop."""
    app = Flask(__name__)
    worker = threading.current_thread()  # Flask's test client calls the app on this thread
    seen = []

    @app.get("/async-wait")
    async def async_wait():
        await asyncio.sleep(0)
        seen.append((threading.current_thread(), asyncio.get_running_loop(), calls_in_progress(worker)))
        return {"waited": "asyncio.sleep in async def"}

    for _ in range(2):
        assert app.test_client().get("/async-wait").status_code == 200
    (first_thread, first_loop, first_calls), (second_thread, second_loop, second_calls) = seen
    assert worker not in (first_thread, second_thread)
    assert first_thread is not second_thread
    assert first_loop is not second_loop
    # Meanwhile the worker is still inside the call to asgiref, which returns when the coroutine has.
    assert "AsyncToSync.__call__" in first_calls and "AsyncToSync.__call__" in second_calls


GATHERED_WAIT = 0.2  # seconds each of the view's awaits takes
GATHERED_AWAITS = 4


def test_a_flask_async_view_awaits_concurrently_within_its_request():
    """What Flask's docs name as the gain of an async view (async-support.md): inside one request,
    awaits gathered with asyncio.gather wait together, four waits of 0.2 s in about 0.2 s, where the
    same four awaited one after the other take 0.8 s."""
    app = Flask(__name__)

    @app.get("/gathered")
    async def gathered():
        await asyncio.gather(*(asyncio.sleep(GATHERED_WAIT) for _ in range(GATHERED_AWAITS)))
        return {"awaits": GATHERED_AWAITS}

    @app.get("/one-after-another")
    async def one_after_another():
        for _ in range(GATHERED_AWAITS):
            await asyncio.sleep(GATHERED_WAIT)
        return {"awaits": GATHERED_AWAITS}

    def took(path: str) -> float:
        started = time.perf_counter()
        assert app.test_client().get(path).json == {"awaits": GATHERED_AWAITS}
        return time.perf_counter() - started

    assert took("/one-after-another") >= GATHERED_AWAITS * GATHERED_WAIT  # a hard floor
    assert took("/gathered") < 2 * GATHERED_WAIT  # together: well under the four waits' sum


def calls_in_progress(thread: threading.Thread) -> list[str]:
    """The qualified names of the functions a thread is in at this moment, innermost first."""
    frame, names = sys._current_frames()[thread.ident], []
    while frame is not None:
        names.append(frame.f_code.co_qualname)
        frame = frame.f_back
    return names
