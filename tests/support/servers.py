"""Start snippet apps under real servers on 127.0.0.1, and always stop them.

By default FastAPI runs under uvicorn and Flask under gunicorn (one sync
worker), each on a free loopback port; a `Server` can name another way to
serve the same app (gunicorn threads, Flask's development server, ...). Every
server gets its own process group so that stopping it also stops its workers,
and `running_servers` stops them all even when a test fails.
"""

import contextlib
import ctypes
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .apps import SnippetApp
from .paths import ROOT

HOST = "127.0.0.1"
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
START_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0

# How to serve an app, as arguments after `python`; {target} is "module:app".
GUNICORN = ["-m", "gunicorn", "--bind", f"{HOST}:{{port}}", "--workers", "1"]
FLASK_RUN = ["-m", "flask", "--app", "{target}", "run", "--host", HOST, "--port", "{port}"]
SERVER_ARGS = {
    "uvicorn": ["-m", "uvicorn", "{target}", "--host", HOST, "--port", "{port}"],
    "gunicorn": [*GUNICORN, "{target}"],
    "gunicorn-gthread": [*GUNICORN, "--threads", "8", "{target}"],
    "flask-run": FLASK_RUN,
    "flask-run-without-threads": [*FLASK_RUN, "--without-threads"],
}
PRODUCTION_SERVER = {"fastapi": "uvicorn", "flask": "gunicorn"}


@dataclass(frozen=True)
class Server:
    """An app and the way it is served."""

    app: SnippetApp
    kind: str = ""  # a SERVER_ARGS key; empty means the framework's production server

    @property
    def server_kind(self) -> str:
        return self.kind or PRODUCTION_SERVER[self.app.framework]

    def command(self, port: int) -> list[str]:
        target = f"{self.app.module_name}:app"
        args = [arg.format(target=target, port=port) for arg in SERVER_ARGS[self.server_kind]]
        return [sys.executable, *args]

    def __str__(self) -> str:
        return f"{self.app} under {self.server_kind}"


@dataclass(frozen=True)
class ShownCommand:
    """A server command line as a page shows it, on port 8000; run with a free port instead."""

    text: str
    shown_port: str = "8000"

    def command(self, port: int) -> list[str]:
        program, *args = shlex.split(self.text.replace(self.shown_port, str(port)))
        return [str(Path(sys.executable).parent / program), *args]

    def __str__(self) -> str:
        return self.text


@dataclass
class RunningServer:
    server: Server | ShownCommand
    port: int
    process: subprocess.Popen
    log: IO[str] = field(repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if the test process dies, even by SIGKILL."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _start(server: Server | ShownCommand, env: dict[str, str]) -> RunningServer:
    port = free_port()
    # A file, not a pipe: a pipe nobody reads would fill up and stall the server.
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed by stop()
    process = subprocess.Popen(
        server.command(port),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    return RunningServer(server, port, process, log)


def _wait_until_listening(running: RunningServer, deadline: float) -> None:
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise RuntimeError(f"{running.server} exited early:\n{running.output()}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, running.port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{running.server} did not listen on port {running.port} in {START_TIMEOUT} s")


def _signal(running: RunningServer, signum: int) -> None:
    # Signal the whole group even if the leader is gone: its workers may not be.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(running.process.pid, signum)


def stop(running: RunningServer) -> None:
    _signal(running, signal.SIGTERM)
    try:
        running.process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        _signal(running, signal.SIGKILL)
        running.process.wait(STOP_TIMEOUT)
    running.log.close()


@contextlib.contextmanager
def running_servers(
    servers: list[Server | ShownCommand], env: dict[str, str] | None = None
) -> Iterator[dict[Server | ShownCommand, RunningServer]]:
    """Start every server at once (startup dominates), yield them, stop them all."""
    # Unbuffered, so a test can read what a server printed while it runs.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    running: dict[Server | ShownCommand, RunningServer] = {}
    try:
        for server in servers:
            running[server] = _start(server, env)
        deadline = time.monotonic() + START_TIMEOUT
        for each in running.values():
            _wait_until_listening(each, deadline)
        yield running
    finally:
        # Ask all to stop first, so their shutdowns overlap; then wait for each.
        for each in running.values():
            _signal(each, signal.SIGTERM)
        with contextlib.ExitStack() as stops:
            for each in running.values():
                stops.callback(stop, each)
