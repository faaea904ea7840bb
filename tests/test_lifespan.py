"""One shared pool per worker process, opened at start-up and closed at shutdown; and the deprecated ways.

The contract runners hold both apps to the page's exchange. This module checks
what the page says about the pool's life. Each command of the page's table
(snippets/lifespan/shutdowns.md) runs for real on 127.0.0.1 with POOL_LOG
naming a file of its own; the test sends requests, stops the server with the
row's signal, and counts the pools the file says were opened and closed, and
by which process. The rest runs in process: one pool serves every request,
FastAPI's on_event still runs but warns, and Flask's hooks are per request.
"""

import importlib
import os
import re
import signal
import sys
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from flask import Flask
from starlette.applications import Starlette

from harness.apps import get_app
from harness.project import SNIPPETS
from harness.servers import ShownCommand, running_servers
from support.clients import socket_client
from support.tables import literal, read_pipe_table

TOPIC = "lifespan"
ROWS = read_pipe_table(
    SNIPPETS / TOPIC / "shutdowns.md",
    reads=("Framework", "Command", "Stopped with", "Pools opened", "Pools closed"),
)
REQUESTS = 5
EVENT = re.compile(r"(open|close) pid=(\d+)(?: uses=(\d+))?")


@dataclass(frozen=True)
class Event:
    kind: str  # "open" or "close"
    pid: int
    uses: int | None  # on closing: how many requests used the pool


def events(log: Path) -> list[Event]:
    """What the pools wrote to POOL_LOG, in order; nothing if no pool ever opened."""
    if not log.exists():
        return []
    found = [EVENT.fullmatch(line) for line in log.read_text().splitlines()]
    assert all(found), log.read_text()
    return [Event(m[1], int(m[2]), None if m[3] is None else int(m[3])) for m in found if m]


@dataclass(frozen=True)
class LoggedCommand(ShownCommand):
    """A command as the table shows it, run with POOL_LOG naming the file its pools write to."""

    log: str = ""

    @property
    def env(self) -> dict[str, str]:
        return {"POOL_LOG": self.log}


def stop_signal(cell: str) -> signal.Signals:
    """`SIGTERM`, or `SIGINT (Ctrl-C)`: the signal is the cell's first word."""
    return signal.Signals[cell.split()[0]]


def row_id(row) -> str:
    """`gunicorn --workers 2 SIGTERM`: the program, the options that change the count, the signal."""
    words = literal(row["Command"]).split()
    options = re.findall(r"--workers \d+|--preload", " ".join(words))
    return " ".join([words[0], *options, stop_signal(row["Stopped with"]).name])


@pytest.mark.servers
@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_each_server_opens_and_closes_pools_as_the_table_says(row, tmp_path):
    command, log = literal(row["Command"]), tmp_path / "pool.log"
    assert f"snippets.{TOPIC}.{row['Framework'].lower()}_app" in command
    server = LoggedCommand(command, log=str(log))
    with running_servers([server]) as running:
        started = running[server]
        with socket_client(started.base_url) as client:
            for _ in range(REQUESTS):
                assert client.get("/status").json() == {"pool": "ok"}
        sent = stop_signal(row["Stopped with"])
        if sent != signal.SIGTERM:  # leaving the block sends SIGTERM
            os.killpg(started.process.pid, sent)
            started.process.wait(10)
    # Stopped by the signal, not killed after running_servers' timeout.
    assert started.process.returncode != -signal.SIGKILL
    logged = events(log)
    opened = [event.pid for event in logged if event.kind == "open"]
    closed = [event for event in logged if event.kind == "close"]
    counted = {"Pools opened": len(opened), "Pools closed": len(closed)}
    assert counted == {column: int(row[column]) for column in counted}, logged
    assert len(set(opened)) == len(opened), f"a process opened more than one pool: {logged}"
    if closed:  # every request used a pool that reported it when closed
        assert sum(event.uses for event in closed) == REQUESTS, logged


def test_one_pool_serves_every_request_in_process(tmp_path, monkeypatch):
    """TestClient runs the lifespan around a `with` block; the Flask factory opens the pool at once."""
    fastapi_app, flask_module = get_app(TOPIC, "fastapi").app, get_app(TOPIC, "flask").module
    log = tmp_path / "pool.log"
    monkeypatch.setenv("POOL_LOG", str(log))
    with TestClient(fastapi_app) as client:
        for _ in range(REQUESTS):
            assert client.get("/status").json() == {"pool": "ok"}
    assert [(event.kind, event.uses) for event in events(log)] == [("open", None), ("close", REQUESTS)]

    log.unlink()
    flask_app = flask_module.create_app()
    client = flask_app.test_client()
    for _ in range(REQUESTS):
        assert client.get("/status").json == {"pool": "ok"}
    assert [event.kind for event in events(log)] == ["open"]  # closed by atexit, at the process's exit
    assert flask_app.extensions["pool"].uses == REQUESTS


def test_testclient_runs_no_lifespan_outside_with():
    """Outside `with TestClient(app)` the pool was never opened, so the endpoint fails."""
    with pytest.raises(AttributeError, match="pool"):
        TestClient(get_app(TOPIC, "fastapi").app).get("/status")


def fresh_import(name: str):
    """Import a module anew, so that what it does at import (and warns about) happens again."""
    sys.modules.pop(name, None)
    return importlib.import_module(name)


def test_on_event_still_runs_but_warns(tmp_path, monkeypatch):
    """FastAPI keeps on_event, deprecated, after Starlette 1.0 dropped its own."""
    assert not hasattr(Starlette, "on_event")
    log = tmp_path / "pool.log"
    monkeypatch.setenv("POOL_LOG", str(log))
    with pytest.warns(DeprecationWarning, match="on_event is deprecated") as warned:
        module = fresh_import(f"snippets.{TOPIC}.fastapi_on_event")
    # One per on_event call, pointing at it (and one more each from the router's on_event it calls).
    calls = [warning.lineno for warning in warned if Path(warning.filename) == Path(module.__file__)]
    assert (len(calls), len(warned)) == (2, 4), [str(warning.message) for warning in warned]
    with TestClient(module.app) as client:
        for _ in range(REQUESTS):
            assert client.get("/status").json() == {"pool": "ok"}
    assert [(event.kind, event.uses) for event in events(log)] == [("open", None), ("close", REQUESTS)]


def test_on_event_handlers_do_not_run_beside_a_lifespan():
    """FastAPI's docs: given a lifespan, startup and shutdown handlers are no longer called."""
    ran = []

    @asynccontextmanager
    async def lifespan(app):
        ran.append("lifespan")
        yield

    app = FastAPI(lifespan=lifespan)
    with pytest.warns(DeprecationWarning, match="on_event is deprecated"):
        app.on_event("startup")(lambda: ran.append("startup"))
        app.on_event("shutdown")(lambda: ran.append("shutdown"))
    with TestClient(app):
        pass
    assert ran == ["lifespan"]


def test_flask_has_no_start_up_or_shut_down_hook():
    """Its teardown functions run after each request; before_first_request was removed in Flask 2.3."""
    assert not hasattr(Flask, "before_first_request")
    app, torn_down = Flask(__name__), []
    app.teardown_appcontext(torn_down.append)
    app.get("/")(lambda: "ok")
    client = app.test_client()
    for _ in range(REQUESTS):
        client.get("/")
    assert torn_down == [None] * REQUESTS
