"""Every server the project runs, in one place: the commands, starting and stopping, and the tests' pool.

**Commands.** A `ServerCommand` is a program from this environment's bin
directory and its arguments, with `{target}` ("module:app") and `{port}`
filled in when it runs, and the text a page shows for it (the concurrency
table's `Served by` cell). The tests run `SERVER_COMMANDS` as they are; the
benchmark runs the same commands with per-request logging off (`QUIET_OPTIONS`),
under the names its page uses (`BENCHMARKED`).

**Running.** Each server gets a free loopback port and its own process group,
so that stopping it also stops its workers; it also dies with the process that
started it, even if that one is killed. `running_servers` starts several at
once and stops them all however the block ends. A server is anything hashable
with a `command(port)` method returning the argument list to run; it may also
have an `env` dict, variables it runs with on top of the batch's. A `Server` is
a snippet app, the command that serves it and its environment; a
`ShownCommand` is a whole command line as a page shows it.

**The pool** (a pytest plugin, tests/conftest.py loads it). A test declares
each server it talks to with the `serves` mark, on itself or on one of its
parameters, and gets them running from the `served` fixture:

    @serves(Server(app, env={"SIMULATED_IO_SECONDS": "0.3"}))
    def test_waits(served): ...

    @pytest.mark.parametrize("app", [pytest.param(app, marks=serves(Server(app))) for app in APPS])
    def test_answers(served, app):
        served[Server(app)].base_url

The first time a test asks, the pool reads the marks of every selected test
(under `-k hello` only hello's tests), starts all those servers together, and
keeps them until the session ends; then, or when the run is interrupted, it
stops them all. Equal descriptions are one server. The terminal summary says
how many servers the pool started (with -v, which).
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
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Protocol

import pytest

from harness.apps import SnippetApp
from harness.processes import with_default_sigint
from harness.project import ROOT

HOST = "127.0.0.1"  # every server listens here, and nowhere else

# Commands: every way the project serves an app.

# Console scripts installed beside the interpreter, so servers run from the same environment.
BIN = Path(sys.executable).parent
TARGET = "{target}"


def installed_program(program: str) -> str:
    return str(BIN / program)


@dataclass(frozen=True)
class ServerCommand:
    """One way to serve an app: `program *args`, and `shown`, how a page writes it."""

    name: str
    framework: str  # "fastapi", "flask" or "quart": which kind of app it can serve
    program: str
    args: tuple[str, ...]  # with {target} and {port}
    shown: str

    def command(self, target: str, port: int | str) -> list[str]:
        """The argument list that serves `target` ("module:app") on 127.0.0.1:`port`."""
        return [installed_program(self.program), *(arg.format(target=target, port=port) for arg in self.args)]

    def command_line(self, target: str, port: int | str = 8000) -> str:
        """The command as a reader would type it: the program by name, not by path."""
        return " ".join([self.program, *self.command(target, port)[1:]])

    def with_options(self, name: str, *options: str, shown: str | None = None) -> "ServerCommand":
        """The same command plus `options`, before the app target when the program takes it last."""
        takes_target_last = self.args[-1] == TARGET
        args = (*self.args[:-1], *options, TARGET) if takes_target_last else (*self.args, *options)
        return replace(self, name=name, args=args, shown=self.shown if shown is None else shown)

    @property
    def workers(self) -> int:
        """How many worker processes the command starts (`--workers`, which every server here takes)."""
        return int(self.args[self.args.index("--workers") + 1])

    def with_workers(self, name: str, workers: int) -> "ServerCommand":
        """The same command with `--workers` set to `workers` (every server here takes that option)."""
        args = list(self.args)
        args[args.index("--workers") + 1] = str(workers)
        return replace(self, name=name, args=tuple(args))


_GUNICORN_ARGS = ("--bind", f"{HOST}:{{port}}", "--workers", "1", TARGET)
_GRANIAN_ARGS = ("--host", HOST, "--port", "{port}", "--workers", "1", TARGET)

UVICORN = ServerCommand(
    "uvicorn", "fastapi", "uvicorn", (TARGET, "--host", HOST, "--port", "{port}", "--workers", "1"), "uvicorn"
)
GRANIAN_ASGI = ServerCommand(
    "granian-asgi", "fastapi", "granian", ("--interface", "asgi", *_GRANIAN_ARGS), "granian --interface asgi"
)
GUNICORN = ServerCommand("gunicorn", "flask", "gunicorn", _GUNICORN_ARGS, "gunicorn --workers 1")
GUNICORN_GTHREAD = GUNICORN.with_options(
    "gunicorn-gthread", "--threads", "8", shown="gunicorn --workers 1 --threads 8"
)
GRANIAN_WSGI = ServerCommand(
    "granian-wsgi", "flask", "granian", ("--interface", "wsgi", *_GRANIAN_ARGS), "granian --interface wsgi"
)
FLASK_RUN = ServerCommand(
    "flask-run", "flask", "flask", ("--app", TARGET, "run", "--host", HOST, "--port", "{port}"), "flask run"
)
FLASK_RUN_WITHOUT_THREADS = FLASK_RUN.with_options(
    "flask-run-without-threads", "--without-threads", shown="flask run --without-threads"
)
# Quart's docs recommend Hypercorn, by Quart's authors; it takes gunicorn's --bind and --workers.
# Shown as "hypercorn --workers 1": a bare "hypercorn" cell stays unknown (tests/test_concurrency.py).
HYPERCORN = ServerCommand("hypercorn", "quart", "hypercorn", _GUNICORN_ARGS, "hypercorn --workers 1")

SERVER_COMMANDS = (
    UVICORN,
    GRANIAN_ASGI,
    GUNICORN,
    GUNICORN_GTHREAD,
    GRANIAN_WSGI,
    FLASK_RUN,
    FLASK_RUN_WITHOUT_THREADS,
    HYPERCORN,
)
# What each framework's apps run under unless a test says otherwise: the usual production server.
PRODUCTION = {"fastapi": UVICORN, "flask": GUNICORN, "quart": HYPERCORN}

# The benchmark measures serving, not logging: a log line per request would be measured too.
QUIET_OPTIONS = {
    "uvicorn": ("--no-access-log", "--log-level", "warning"),
    "gunicorn": ("--log-level", "warning"),
}


def quiet(server: ServerCommand, name: str) -> ServerCommand:
    """`server` with its per-request logging off, under the name the Benchmark page gives it."""
    return server.with_options(name, *QUIET_OPTIONS.get(server.program, ()))


def configured(base: ServerCommand, name: str, *options: str) -> ServerCommand:
    """`base` as the benchmark runs it (`quiet`) under `name`, with `options` added."""
    return quiet(base, name).with_options(name, *options)


def gunicorn_threads(threads: int) -> ServerCommand:
    """Gunicorn's gthread worker, one process with `threads` threads, as the benchmark runs it."""
    return configured(GUNICORN, f"gunicorn gthread, 1 worker x {threads} threads", "--threads", str(threads))


GUNICORN_GEVENT = configured(GUNICORN, "gunicorn gevent, 1 worker", "--worker-class", "gevent")
# granian runs WSGI views on 512 blocking threads unless told otherwise (--blocking-threads).
GRANIAN_WSGI_THREADS = 512
GRANIAN_WSGI_QUIET = quiet(GRANIAN_WSGI, f"granian WSGI, 1 worker x {GRANIAN_WSGI_THREADS} threads")

BENCHMARKED = (
    quiet(UVICORN, "uvicorn, 1 worker"),
    quiet(GRANIAN_ASGI, "granian ASGI, 1 worker"),
    # Flask's Gunicorn page: "a starting value could be CPU * 2"; the servers get one core.
    quiet(GUNICORN, "gunicorn sync, 2 workers").with_workers("gunicorn sync, 2 workers", 2),
    # gunicorn's default, one sync worker: what a reader gets by leaving out -w.
    quiet(GUNICORN, "gunicorn sync, 1 worker"),
    *(gunicorn_threads(threads) for threads in (8, 32, 128)),
    GUNICORN_GEVENT,
    GRANIAN_WSGI_QUIET,
    quiet(HYPERCORN, "hypercorn, 1 worker"),
    # Quart under FastAPI's server too, to tell Quart's cost from Hypercorn's. A server's name is its
    # key in the benchmark data, so this one names its framework; the report shows it without.
    replace(quiet(UVICORN, "uvicorn, 1 worker (Quart)"), framework="quart"),
)


def shown_as(shown: str) -> ServerCommand:
    """The command a page's `Served by` cell names; an unknown cell fails naming the known ones."""
    for server in SERVER_COMMANDS:
        if server.shown == shown:
            return server
    known = ", ".join(repr(server.shown) for server in SERVER_COMMANDS)
    raise LookupError(f"no server is shown as {shown!r}; known: {known}")


# Running: start on free ports, wait until listening, always stop.

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


def prepare_child() -> None:
    """In the child, before exec: get SIGTERM if the test process dies, even by SIGKILL, and take
    SIGINT as a terminal's Ctrl-C, even when this process was started with it ignored."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    with_default_sigint()


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
        preexec_fn=prepare_child,
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


# Snippet apps and page command lines as servers.


@dataclass(frozen=True, init=False)
class Server:
    """An app, the command that serves it (by default its framework's production server), its environment."""

    app: SnippetApp
    served_by: ServerCommand
    environment: tuple[tuple[str, str], ...]  # sorted (name, value) pairs

    def __init__(
        self, app: SnippetApp, served_by: ServerCommand | None = None, env: dict[str, str] | None = None
    ) -> None:
        # Filled in and sorted here, so that two descriptions of one server are equal and hash alike.
        object.__setattr__(self, "app", app)
        object.__setattr__(self, "served_by", served_by or PRODUCTION[app.framework])
        object.__setattr__(self, "environment", tuple(sorted((env or {}).items())))
        if self.served_by.framework != app.framework:
            raise ValueError(f"{self.served_by.name} serves {self.served_by.framework} apps, not {app}")

    @property
    def env(self) -> dict[str, str]:
        return dict(self.environment)

    def command(self, port: int) -> list[str]:
        return self.served_by.command(f"{self.app.module_name}:app", port)

    def __str__(self) -> str:
        settings = "".join(f" with {name}={value}" for name, value in self.environment)
        return f"{self.app} under {self.served_by.name}{settings}"


@dataclass(frozen=True)
class ShownCommand:
    """A server command line as a page shows it, on port 8000; run with a free port instead."""

    text: str
    shown_port: str = "8000"

    def command(self, port: int) -> list[str]:
        program, *args = shlex.split(self.text.replace(self.shown_port, str(port)))
        return [installed_program(program), *args]

    def __str__(self) -> str:
        return self.text


# The tests' pool: the servers the selected tests declare, started once.

MARK = "serves"
serves = pytest.mark.serves  # MARK


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARK}(*servers): real servers the test talks to, from harness/servers.py"
    )


def declared_servers(item: pytest.Item) -> list[Hashable]:
    """The servers a test declares with `serves` marks: its own, its parameters', its module's."""
    return [server for mark in item.iter_markers(MARK) for server in mark.args]


def servers_needed(items: list[pytest.Item]) -> list[Hashable]:
    """Every server the tests declare, once each, in the order the tests first declare them."""
    return list(dict.fromkeys(server for item in items for server in declared_servers(item)))


class ServerPool:
    """The session's running servers, looked up by their description."""

    def __init__(self, running: dict[Hashable, RunningServer], seconds: float) -> None:
        self.running = running
        self.seconds = seconds  # from the first start to the last server listening

    def __getitem__(self, server: Hashable) -> RunningServer:
        if server not in self.running:
            raise LookupError(f"the server pool did not start {server}: no selected test declares it")
        return self.running[server]


class Served(dict):
    """One test's declared servers; asking for any other fails, saying how to declare it."""

    def __missing__(self, server: Hashable) -> RunningServer:
        raise LookupError(f"the test does not declare {server}: mark it with `serves(...)`")


STARTED = pytest.StashKey[ServerPool]()


@pytest.fixture(scope="session")
def server_pool(request: pytest.FixtureRequest) -> Iterator[ServerPool]:
    """Every server the selected tests declare, started together on first use, stopped at the end."""
    needed = servers_needed(request.session.items)
    started = time.monotonic()
    with running_servers(needed) as running:
        pool = ServerPool(running, time.monotonic() - started)
        request.config.stash[STARTED] = pool
        yield pool


@pytest.fixture
def served(request: pytest.FixtureRequest, server_pool: ServerPool) -> Served:
    """The servers this test declares, running: `served[Server(app)].base_url`."""
    return Served({server: server_pool[server] for server in declared_servers(request.node)})


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    pool = config.stash.get(STARTED, None)
    if pool is None:
        return
    terminalreporter.section("server pool")
    terminalreporter.write_line(f"started {len(pool.running)} servers at once in {pool.seconds:.2f} s")
    if config.get_verbosity() > 0:
        for server in pool.running:
            terminalreporter.write_line(f"  {server}")
