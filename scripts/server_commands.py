"""Every way the project serves an app, defined once: for the tests, the benchmark and the pages.

A `ServerCommand` is a program from this environment's bin directory and its
arguments, with `{target}` ("module:app") and `{port}` filled in when it runs,
and the text a page shows for it (the concurrency table's `Served by` cell).
The tests run `SERVER_COMMANDS` as they are; the benchmark runs the same
commands with per-request logging off (`QUIET_OPTIONS`), under the names its
page uses (`BENCHMARKED`). Starting and stopping them is scripts/local_servers.py.
"""

import sys
from dataclasses import dataclass, replace
from pathlib import Path

from scripts.local_servers import HOST

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
