"""Run servers on 127.0.0.1 for tests and benchmarks, and always stop them.

Each server gets a free loopback port and its own process group, so that
stopping it also stops its workers; it also dies with the process that
started it, even if that one is killed. `running_servers` starts several at
once and stops them all however the block ends. A server is anything
hashable with a `command(port)` method returning the argument list to run; it
may also have an `env` dict, variables it runs with on top of the batch's.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Protocol

from scripts.paths import ROOT

HOST = "127.0.0.1"
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
START_TIMEOUT = 20.0
# Startups overlap but share the CPUs: a batch gets this much longer per server.
START_TIMEOUT_PER_SERVER = 0.5
STOP_TIMEOUT = 5.0


class ServerSpec(Protocol):
    def command(self, port: int) -> list[str]: ...


@dataclass
class RunningServer:
    server: ServerSpec
    port: int
    process: subprocess.Popen
    log: IO[str] = field(repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()


def free_ports(count: int) -> list[int]:
    """`count` distinct free ports: every probe socket stays bound until all are chosen."""
    with contextlib.ExitStack() as probes:
        sockets = [probes.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind((HOST, 0))
        return [sock.getsockname()[1] for sock in sockets]


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if the test process dies, even by SIGKILL."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _start(server: ServerSpec, port: int, env: dict[str, str]) -> RunningServer:
    # A file, not a pipe: a pipe nobody reads would fill up and stall the server.
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed by stop()
    process = subprocess.Popen(
        server.command(port),
        cwd=ROOT,
        env={**env, **(getattr(server, "env", None) or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    return RunningServer(server, port, process, log)


def _wait_until_listening(running: RunningServer, deadline: float, timeout: float) -> None:
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise RuntimeError(f"{running.server} exited early:\n{running.output()}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, running.port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{running.server} did not listen on port {running.port} in {timeout:.0f} s")


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
    servers: list[ServerSpec], env: dict[str, str] | None = None
) -> Iterator[dict[ServerSpec, RunningServer]]:
    """Start every server at once (startup dominates), yield them, stop them all.

    All must listen within START_TIMEOUT, plus START_TIMEOUT_PER_SERVER for each
    server of the batch, since they start on the same few cores.
    """
    # Unbuffered, so a test can read what a server printed while it runs.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    running: dict[ServerSpec, RunningServer] = {}
    try:
        for server, port in zip(servers, free_ports(len(servers)), strict=True):
            running[server] = _start(server, port, env)
        timeout = START_TIMEOUT + START_TIMEOUT_PER_SERVER * len(servers)
        deadline = time.monotonic() + timeout
        for each in running.values():
            _wait_until_listening(each, deadline, timeout)
        yield running
    finally:
        # Ask all to stop first, so their shutdowns overlap; then wait for each.
        for each in running.values():
            _signal(each, signal.SIGTERM)
        with contextlib.ExitStack() as stops:
            for each in running.values():
                stops.callback(stop, each)
