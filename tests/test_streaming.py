"""Streaming and server-sent events, over real sockets: what the streaming page claims, timed.

Both apps stream `GET /events?count=N`, one event per interval
(SIMULATED_IO_SECONDS, here INTERVAL), FastAPI under uvicorn and Flask
under gunicorn's gthread worker, and count the streams open and the events
produced on `GET /streams`. The tests read each stream as it comes, with
httpx2's `client.stream`, and check that:

- each event arrives when it is produced, not when the stream ends;
- a client that leaves stops the producer within a bound;
- an open stream holds a coroutine on uvicorn, which keeps answering, and a
  thread on gunicorn, whose next request waits while every thread streams;
- gunicorn's sync worker cuts a stream longer than its --timeout, and the
  gthread worker does not.

Bounds are loose multiples of INTERVAL; each test takes a few intervals.
In process: a Flask generator that reads `request` needs `stream_with_context`,
and FastAPI sends a keep-alive comment while no event comes.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import fastapi.routing
import fastapi.sse
import httpx2
import pytest
from fastapi.testclient import TestClient
from flask import Flask, Response, request, stream_with_context

from harness.apps import get_app
from harness.servers import GUNICORN, GUNICORN_GTHREAD, Server, serves
from support.clients import socket_client

INTERVAL = 0.4  # seconds between two events
ENV = {"SIMULATED_IO_SECONDS": str(INTERVAL)}
FASTAPI_APP = get_app("streaming", "fastapi")
FLASK_APP = get_app("streaming", "flask")
# A stream holds a thread of Flask's worker: gthread, not the sync worker, which it would hold whole.
STREAMING_SERVERS = {
    "FastAPI": Server(FASTAPI_APP, env=ENV),
    "Flask": Server(FLASK_APP, GUNICORN_GTHREAD, env=ENV),
}
THREADS = int(GUNICORN_GTHREAD.args[GUNICORN_GTHREAD.args.index("--threads") + 1])


def on_each_server(servers: dict):
    return pytest.mark.parametrize(
        "framework", [pytest.param(name, marks=serves(server)) for name, server in servers.items()]
    )


def shown_event(number: int) -> str:
    return f'data: {{"number": {number}}}\nid: {number}'


def read_events(client: httpx2.Client, path: str, start: float, stop_after: int | None = None) -> list:
    """(seconds from `start`, event text) for each event, timed when its blank line arrives;
    with `stop_after`, the client closes the connection after that many events."""
    events, lines = [], []
    with client.stream("GET", path) as response:
        assert response.status_code == 200, response.read()
        for line in response.iter_lines():
            if line:
                lines.append(line)
                continue
            events.append((time.monotonic() - start, "\n".join(lines)))
            lines = []
            if len(events) == stop_after:
                break
    return events


def stream_counts(base_url: str) -> dict[str, int]:
    with socket_client(base_url) as client:
        return client.get("/streams").json()


def wait_for_no_open_stream(base_url: str, within: float) -> dict[str, int]:
    """The counts once no stream is open; fails if one still is after `within` seconds."""
    deadline = time.monotonic() + within
    while (counts := stream_counts(base_url))["open"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert counts["open"] == 0, f"a stream is still open {within} s later: {counts}"
    return counts


@pytest.mark.timing
@on_each_server(STREAMING_SERVERS)
def test_events_arrive_one_by_one_as_produced(served, framework):
    """Event k is produced k intervals after the request; it must arrive then, not with the last."""
    count = 4
    with socket_client(served[STREAMING_SERVERS[framework]].base_url) as client:
        client.get("/streams")  # a first request on the connection, so that its setup is not timed
        start = time.monotonic()
        events = read_events(client, f"/events?count={count}", start)
    arrivals = [round(at, 2) for at, _ in events]
    print(f"{framework}: events arrived at {arrivals} s, one every {INTERVAL} s")
    assert [text for _, text in events] == [shown_event(number) for number in range(1, count + 1)]
    for number, at in enumerate(arrivals, start=1):
        assert number * INTERVAL * 0.9 <= at < (number + 0.5) * INTERVAL, (number, arrivals)
    # Buffered, all would arrive together after the last: the first arrives a whole stream earlier.
    assert arrivals[-1] - arrivals[0] >= (count - 1.5) * INTERVAL


@pytest.mark.timing
@on_each_server(STREAMING_SERVERS)
def test_a_client_that_leaves_stops_the_producer(served, framework):
    """The client reads two events of sixty and closes the connection: within two intervals the
    generator has been closed (its `finally` ran) and the app produces no further event."""
    base_url = served[STREAMING_SERVERS[framework]].base_url
    before = wait_for_no_open_stream(base_url, within=10 * INTERVAL)
    with socket_client(base_url) as client:
        events = read_events(client, "/events?count=60", time.monotonic(), stop_after=2)
    left = time.monotonic()
    after = wait_for_no_open_stream(base_url, within=2 * INTERVAL + 0.5)
    closed_after = time.monotonic() - left
    time.sleep(2 * INTERVAL)
    later = stream_counts(base_url)
    produced = after["produced"] - before["produced"]
    print(f"{framework}: closed {closed_after:.2f} s after the client left; {produced} events produced")
    assert len(events) == 2
    if framework == "FastAPI":  # Starlette listens for the disconnect and cancels the generator at once
        assert closed_after < INTERVAL / 2
        assert produced == len(events)
    else:  # gunicorn finds out when a write fails: the first after the client left may still succeed
        assert produced <= len(events) + 2
    assert later == after, "the app went on producing after the generator was closed"


@pytest.mark.timing
@on_each_server(STREAMING_SERVERS)
def test_what_an_open_stream_holds(served, framework):
    """THREADS streams at once (the gthread worker's threads), then one more request. uvicorn
    answers it at once, the streams paused at `await`; gunicorn only when a stream ends and
    frees its thread."""
    base_url = served[STREAMING_SERVERS[framework]].base_url
    wait_for_no_open_stream(base_url, within=10 * INTERVAL)
    count, probe_at = 4, INTERVAL  # each stream lasts four intervals; the probe leaves after one
    limits = httpx2.Limits(max_connections=THREADS + 1, max_keepalive_connections=0)
    with socket_client(base_url, limits=limits) as client, ThreadPoolExecutor(THREADS + 1) as pool:
        start = time.monotonic()

        def stream() -> float:
            assert len(read_events(client, f"/events?count={count}", start)) == count
            return time.monotonic() - start

        def probe() -> tuple[float, dict[str, int]]:
            time.sleep(probe_at)
            counts = client.get("/streams").json()
            return time.monotonic() - start, counts

        streams = [pool.submit(stream) for _ in range(THREADS)]
        answered, counts = pool.submit(probe).result()
        first_end = min(future.result() for future in streams)
    print(f"{framework}: {THREADS} streams, first ended at {first_end:.2f} s; ", end="")
    print(f"the request sent at {probe_at} s was answered at {answered:.2f} s with {counts}")
    assert first_end >= count * INTERVAL * 0.9
    if framework == "FastAPI":
        assert answered < probe_at + 0.5 * INTERVAL
        assert counts["open"] == THREADS  # answered while every stream was open
    else:
        assert answered >= first_end - 0.1  # it waited for a thread
        assert counts["open"] < THREADS


# A timeout of one second instead of gunicorn's default thirty, so that a stream outlasts it.
TIMEOUT = 1
TIMEOUT_SERVERS = {
    "sync": Server(FLASK_APP, GUNICORN.with_options("gunicorn-timeout", "--timeout", str(TIMEOUT)), env=ENV),
    "gthread": Server(
        FLASK_APP,
        GUNICORN_GTHREAD.with_options("gunicorn-gthread-timeout", "--timeout", str(TIMEOUT)),
        env=ENV,
    ),
}


@pytest.mark.timing
@pytest.mark.parametrize(
    "worker", [pytest.param(name, marks=serves(server)) for name, server in TIMEOUT_SERVERS.items()]
)
def test_the_sync_worker_cuts_a_stream_longer_than_its_timeout(served, worker):
    """The sync worker reports to gunicorn's arbiter only between requests, so a stream longer than
    --timeout gets the worker killed mid-stream; the gthread worker reports from its main thread
    while a worker thread streams, and the stream completes."""
    count = 8  # eight intervals: more than three times the timeout
    received = []
    with socket_client(served[TIMEOUT_SERVERS[worker]].base_url) as client:
        start = time.monotonic()
        try:
            received = read_events(client, f"/events?count={count}", start)
        except httpx2.RemoteProtocolError:
            received = None
        ended = time.monotonic() - start
    print(f"{worker} worker, --timeout {TIMEOUT}: the stream ended at {ended:.2f} s, ", end="")
    print("cut" if received is None else f"with {len(received)} events")
    if worker == "sync":
        assert received is None
        assert TIMEOUT <= ended < count * INTERVAL
    else:
        assert received is not None and len(received) == count


def test_a_flask_generator_that_reads_the_request_needs_stream_with_context():
    """The view has returned before the server runs the generator, and Flask has popped the request
    context: reading `request` there fails after the 200 is sent. stream_with_context keeps it."""
    app = Flask(__name__)

    def greetings():
        yield "data: hello\n\n"
        yield f"data: {request.args['name']}\n\n"

    @app.get("/without")
    def without():
        return Response(greetings(), mimetype="text/event-stream")

    @app.get("/with")
    def with_context():
        return Response(stream_with_context(greetings()), mimetype="text/event-stream")

    client = app.test_client()
    response = client.get("/without?name=Ada")
    assert response.status_code == 200
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        response.get_data()
    assert client.get("/with?name=Ada").get_data(as_text=True) == "data: hello\n\ndata: Ada\n\n"


def test_fastapi_sends_a_keep_alive_comment_while_no_event_comes(reimport, monkeypatch):
    """When the generator yields nothing for _PING_INTERVAL (15 s), FastAPI sends `: ping`, a comment
    line that EventSource ignores, so that a proxy does not close the idle connection."""
    module = reimport(FASTAPI_APP, SIMULATED_IO_SECONDS="0.5")
    monkeypatch.setattr(fastapi.routing, "_PING_INTERVAL", 0.2)
    body = TestClient(module.app).get("/events?count=1").text
    assert body.startswith(": ping\n\n")
    assert body.endswith(f"{shown_event(1)}\n\n")
    assert fastapi.sse._PING_INTERVAL == 15.0
