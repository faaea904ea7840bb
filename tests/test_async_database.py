"""Async database access: the page's steps in order, its bad requests, and its two claims about waiting.

The steps change state, so they run in the order the page lists them (the
shown exchanges are numbered) from empty tables, in process and under each
app's production server, as for the sync database topic. The bad requests
(bad_requests.md) change nothing; they are sent after the steps. Each server
gets its own SQLite file (SQLITE_FILE): the generic runners would serve both
apps on one file at once, so the topic is in ORDERED_TOPICS and its tables are
not named bad_input.md.

Timed, under uvicorn with one worker, on SQLite and on PostgreSQL (asyncpg
and psycopg): a slow query through the async engine, or through the
synchronous engine in a `def` endpoint, leaves a request sent meanwhile fast,
while the same query through the synchronous engine inside `async def`
(fastapi_sync_engine_app.py) makes it wait for the query. In process: both
engines pool 5 connections plus 10 overflow, and the sixteenth connection
waits for a free one (a thread blocks; a coroutine awaits, and the event loop
runs on).
"""

import asyncio
import atexit
import contextlib
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, QueuePool

from harness.apps import SnippetApp, get_app
from harness.servers import Server, running_servers, serves
from support.clients import in_process_client, socket_client
from support.exchanges import check_exchange, exchanges_in_order
from support.tables import request_rows

TOPIC = "async_database"
APPS = [get_app(TOPIC, "fastapi"), get_app(TOPIC, "flask")]  # the pair the tables hold to one contract
SYNC_ENGINE = get_app(TOPIC, "fastapi_sync_engine")
SEQUENCE = request_rows(TOPIC, "sequence.md")
BAD_REQUESTS = request_rows(TOPIC, "bad_requests.md")
ITEMS_AFTER_THE_SEQUENCE = 3  # the steps create three items; the conflict stores none

# Each real server's SQLite file, known when the tests are collected (the server pool starts them).
SCRATCH = Path(tempfile.mkdtemp(prefix="async-database-"))
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)


def on_its_own_file(app, purpose: str, **env: str) -> Server:
    return Server(app, env={"SQLITE_FILE": str(SCRATCH / f"{app.name}-{purpose}.db"), **env})


def empty_tables(app) -> None:
    """Drop and create the app's tables on the file it uses in process, through the sync driver."""
    engine = create_engine(f"sqlite:///{app.module.SQLITE_FILE}")
    app.module.Base.metadata.drop_all(engine)
    app.module.Base.metadata.create_all(engine)
    engine.dispose()


def check_state_after_the_sequence(client) -> None:
    """What the page says of the steps beyond their statuses: three items, and nothing past them."""
    assert len(client.get("/items?limit=100").json()) == ITEMS_AFTER_THE_SEQUENCE
    assert client.get(f"/items?offset={ITEMS_AFTER_THE_SEQUENCE}").json() == []


def answers(rows, client) -> list[tuple[str, int]]:
    return [(row.case, row.send(client).status_code) for row in rows]


def expected(rows, app) -> list[tuple[str, int]]:
    return [(row.case, row.statuses[app.name]) for row in rows]


# ---------------------------------------------------------------- the contract, in process


@pytest.mark.parametrize("app", APPS, ids=str)
def test_shown_exchanges_in_order(app, update_shown):
    empty_tables(app)
    for exchange in exchanges_in_order(TOPIC, app):
        check_exchange(exchange, in_process_client(app), update=update_shown)


@pytest.mark.parametrize("app", APPS, ids=str)
def test_sequence_table_in_order_then_the_bad_requests(app):
    empty_tables(app)
    client = in_process_client(app)
    assert answers(SEQUENCE, client) == expected(SEQUENCE, app)
    assert answers(BAD_REQUESTS, client) == expected(BAD_REQUESTS, app)
    check_state_after_the_sequence(client)


@pytest.mark.parametrize("app", [APPS[0], SYNC_ENGINE], ids=str)
def test_the_report_counts_the_rows(app, monkeypatch):
    monkeypatch.setattr(app.module, "REPORT_ROWS", 1000)
    client = in_process_client(app)
    assert client.get("/report").json() == {"rows_counted": 1000}
    if app == SYNC_ENGINE:
        assert client.get("/report-in-a-thread").json() == {"rows_counted": 1000}


# ---------------------------------------------------------------- the contract, over a socket

SOCKET_SERVERS = {app: [on_its_own_file(app, "exchanges"), on_its_own_file(app, "sequence")] for app in APPS}


@pytest.mark.parametrize(
    "app", [pytest.param(app, marks=serves(*SOCKET_SERVERS[app])) for app in APPS], ids=str
)
def test_over_a_socket_each_on_its_own_database_file(served, app, update_shown):
    if update_shown:
        pytest.skip("--update-examples rewrites the shown files in process; compare on the next run")
    for_exchanges, for_sequence = SOCKET_SERVERS[app]
    with socket_client(served[for_exchanges].base_url) as client:
        for exchange in exchanges_in_order(TOPIC, app):
            check_exchange(exchange, client)
    with socket_client(served[for_sequence].base_url) as client:
        assert answers(SEQUENCE, client) == expected(SEQUENCE, app)
        assert answers(BAD_REQUESTS, client) == expected(BAD_REQUESTS, app)
        check_state_after_the_sequence(client)


# ---------------------------------------------------------------- a slow query and a request meanwhile

REPORT_ROWS = "5000000"  # 0.8 to 1.5 s of SQLite on an idle core (this machine varies), a few s on a busy one
DELAY = 0.2  # seconds from the report to the probe: the server starts the query within milliseconds


@dataclass(frozen=True)
class SlowQuery:
    """A slow report, the request sent while it runs, and whether that request waits for it."""

    app: SnippetApp
    report: str
    # The sync engine's app has no other endpoint, so its probe is FastAPI's own OpenAPI document,
    # which touches no database at all.
    probe: str
    waits: bool

    def __str__(self) -> str:
        return f"{self.app}{self.report}"


SLOW_QUERIES = [
    SlowQuery(APPS[0], "/report", "/items?limit=1", waits=False),  # the async engine, awaited
    SlowQuery(SYNC_ENGINE, "/report", "/openapi.json", waits=True),  # the sync engine in `async def`
    SlowQuery(SYNC_ENGINE, "/report-in-a-thread", "/openapi.json", waits=False),  # ... and in `def`
]
TIMED = {app: on_its_own_file(app, "timed", REPORT_ROWS=REPORT_ROWS) for app in (APPS[0], SYNC_ENGINE)}


def timed_get(client: httpx2.Client, path: str) -> tuple[float, float]:
    """When the GET was sent and when it was answered (time.monotonic); it must answer 200."""
    sent = time.monotonic()
    assert client.get(path).status_code == 200, path
    return sent, time.monotonic()


def report_and_probe(base_url: str, query: SlowQuery) -> tuple[float, float]:
    """The slow report, then the probe DELAY seconds later on another connection: how long the
    report still ran after the probe was sent, and how long the probe took."""
    limits = httpx2.Limits(max_connections=2, max_keepalive_connections=0)
    with socket_client(base_url, timeout=30, limits=limits) as client, ThreadPoolExecutor(1) as pool:
        timed_get(client, query.probe)  # warm: FastAPI builds its OpenAPI document on the first request
        report = pool.submit(timed_get, client, query.report)
        time.sleep(DELAY)
        probe_sent, probe_done = timed_get(client, query.probe)
        _, report_done = report.result()
    return report_done - probe_sent, probe_done - probe_sent


def check_the_wait(query: SlowQuery, still_running: float, probe_took: float, rows_name: str) -> None:
    """Bounds relative to how long the query still ran once the probe was sent: a few seconds in all."""
    assert still_running >= DELAY, (
        f"{query.report} ended {still_running:.2f} s after the probe: raise {rows_name}"
    )
    if query.waits:  # the event loop was held: the probe waited for the query to end
        assert probe_took >= 0.8 * still_running
    else:  # the query waited elsewhere (the driver's thread, a pool thread, the database): the probe did not
        assert probe_took < 0.5 * still_running


@pytest.mark.timing
@pytest.mark.parametrize(
    "query", [pytest.param(query, marks=serves(TIMED[query.app])) for query in SLOW_QUERIES], ids=str
)
def test_a_slow_query_and_a_request_sent_meanwhile(served, query):
    still_running, probe_took = report_and_probe(served[TIMED[query.app]].base_url, query)
    print(
        f"{query}: {query.probe} sent {still_running:.2f} s before the report ended, took {probe_took:.3f} s"
    )
    check_the_wait(query, still_running, probe_took, "REPORT_ROWS")


# PostgreSQL counts in its own process: the app's worker only waits for the answer, as for any
# query of a real database. 3,000,000 rows: about 1 s of PostgreSQL on an idle core.
POSTGRES_REPORT_ROWS = "3000000"
# Each app reads the URL for its own driver: asyncpg for the async engine, psycopg for the sync one.
POSTGRES_URLS = {
    APPS[0]: ("ASYNC_DATABASE_URL", "asyncpg"),
    APPS[1]: ("SYNC_DATABASE_URL", "psycopg"),
    SYNC_ENGINE: ("SYNC_DATABASE_URL", "psycopg"),
}


@contextlib.contextmanager
def served_on_postgresql(app, cluster, database: str, **env: str) -> Iterator[str]:
    """The app's base URL under its production server, on a new database of the cluster, by its driver."""
    variable, driver = POSTGRES_URLS[app]
    server = Server(app, env={variable: cluster.url(driver, cluster.create_database(database)), **env})
    with running_servers([server]) as running:
        yield running[server].base_url


@pytest.mark.timing
@pytest.mark.parametrize("query", SLOW_QUERIES, ids=str)
def test_a_slow_query_on_postgresql_and_a_request_sent_meanwhile(query, postgres_cluster):
    """The same bounds on PostgreSQL, where the query really waits on another process."""
    database = f"timed_{query.app.name}_{query.report.strip('/').replace('-', '_')}"
    with served_on_postgresql(query.app, postgres_cluster, database, REPORT_ROWS=POSTGRES_REPORT_ROWS) as url:
        still_running, probe_took = report_and_probe(url, query)
    print(
        f"{query} on PostgreSQL: {query.probe} sent {still_running:.2f} s before the report ended, "
        f"took {probe_took:.3f} s"
    )
    check_the_wait(query, still_running, probe_took, "POSTGRES_REPORT_ROWS")


@pytest.mark.servers
@pytest.mark.parametrize("app", APPS, ids=str)
def test_on_postgresql_under_the_production_server(app, postgres_cluster, update_shown):
    """The shown exchanges, the steps and the bad requests on PostgreSQL 15: FastAPI's app through
    asyncpg, Flask's through psycopg. An id past PostgreSQL's integer is refused before any query."""
    if update_shown:
        pytest.skip("--update-examples rewrites the shown files in process; compare on the next run")
    with (
        served_on_postgresql(app, postgres_cluster, f"async_{app.name}_exchanges") as url,
        socket_client(url) as client,
    ):
        for exchange in exchanges_in_order(TOPIC, app):
            check_exchange(exchange, client)
    with (
        served_on_postgresql(app, postgres_cluster, f"async_{app.name}_steps") as url,
        socket_client(url) as client,
    ):
        assert answers(SEQUENCE, client) == expected(SEQUENCE, app)
        assert answers(BAD_REQUESTS, client) == expected(BAD_REQUESTS, app)
        check_state_after_the_sequence(client)


# ---------------------------------------------------------------- the connection pool


def test_both_engines_pool_five_connections_plus_ten_waiting_up_to_30_s():
    """SQLAlchemy's defaults for SQLite files: QueuePool (sync) and AsyncAdaptedQueuePool (aiosqlite)."""
    sync_pool = get_app(TOPIC, "flask").module.engine.pool
    async_pool = APPS[0].module.engine.pool
    assert (type(sync_pool), type(async_pool)) == (QueuePool, AsyncAdaptedQueuePool)
    assert [(pool.size(), pool.timeout()) for pool in (sync_pool, async_pool)] == [(5, 30.0), (5, 30.0)]


HELD = 15  # pool_size 5 + max_overflow 10
WAITS = 0.3  # how long the sixteenth is seen waiting before a connection is given back


def test_the_sixteenth_sync_connection_waits_for_a_free_one():
    """On the Flask app's own engine: a thread asking for a sixteenth connection blocks."""
    engine = get_app(TOPIC, "flask").module.engine
    with contextlib.ExitStack() as held, ThreadPoolExecutor(1) as pool:
        connections = [held.enter_context(engine.connect()) for _ in range(HELD)]
        sixteenth = pool.submit(engine.connect)
        time.sleep(WAITS)
        assert not sixteenth.done()
        connections[0].close()
        held.enter_context(sixteenth.result(timeout=10))


def test_the_sixteenth_async_connection_awaits_while_the_loop_runs_on():
    """On the FastAPI app's own engine: a coroutine asking for a sixteenth connection awaits it,
    and other coroutines run meanwhile."""
    engine = APPS[0].module.engine

    async def sixteenth_while_ticking() -> tuple[bool, int]:
        ticks = 0

        async def tick():
            nonlocal ticks
            while True:
                await asyncio.sleep(WAITS / 20)
                ticks += 1

        async with contextlib.AsyncExitStack() as held:
            connections = [await held.enter_async_context(engine.connect()) for _ in range(HELD)]
            ticker = asyncio.create_task(tick())
            sixteenth = asyncio.create_task(engine.connect().start())
            await asyncio.sleep(WAITS)
            waiting = not sixteenth.done()
            ticker.cancel()
            await connections[0].close()
            held.push_async_callback((await asyncio.wait_for(sixteenth, timeout=10)).close)
        await engine.dispose()
        return waiting, ticks

    waiting, ticks = asyncio.run(sixteenth_while_ticking())
    assert waiting
    assert ticks >= 5  # the event loop ran other coroutines while the sixteenth waited
