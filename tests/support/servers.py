"""Start snippet apps under their production servers on 127.0.0.1, and always stop them.

FastAPI runs under uvicorn, Flask under gunicorn, each on a free loopback port.
Every server gets its own process group so that stopping it also stops its
workers, and `running_servers` stops them all even when a test fails.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from .apps import SnippetApp
from .paths import ROOT

HOST = "127.0.0.1"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_command(app: SnippetApp, port: int) -> list[str]:
    target = f"{app.module_name}:app"
    if app.framework == "fastapi":
        return [sys.executable, "-m", "uvicorn", target, "--host", HOST, "--port", str(port)]
    return [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--workers", "1", target]


@dataclass
class RunningServer:
    app: SnippetApp
    port: int
    process: subprocess.Popen
    log: IO[str]

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()


def _start(app: SnippetApp, env: dict[str, str]) -> RunningServer:
    port = free_port()
    # A file, not a pipe: a pipe nobody reads would fill up and stall the server.
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed by stop()
    process = subprocess.Popen(
        server_command(app, port),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return RunningServer(app, port, process, log)


def _wait_until_listening(server: RunningServer, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.app} server exited early:\n{server.output()}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, server.port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{server.app} server did not listen on port {server.port} in {START_TIMEOUT} s")


def stop(server: RunningServer) -> None:
    # Signal the whole group even if the leader is gone: its workers may not be.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(STOP_TIMEOUT)
    server.log.close()


@contextlib.contextmanager
def running_servers(
    apps: list[SnippetApp], env: dict[str, str] | None = None
) -> Iterator[dict[SnippetApp, RunningServer]]:
    """Start every app at once (startup dominates), yield them by app, stop them all."""
    env = {**os.environ, **(env or {})}
    servers: dict[SnippetApp, RunningServer] = {}
    try:
        for app in apps:
            servers[app] = _start(app, env)
        deadline = time.monotonic() + START_TIMEOUT
        for server in servers.values():
            _wait_until_listening(server, deadline)
        yield servers
    finally:
        for server in servers.values():
            stop(server)
