"""Which server runs which snippet app; starting and stopping them is scripts/local_servers.py.

By default FastAPI runs under uvicorn and Flask under gunicorn (one sync
worker); a `Server` can name another way to serve the same app (gunicorn
threads, Flask's development server, ...). A `ShownCommand` is a command line
as a page shows it.
"""

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from scripts.local_servers import HOST, RunningServer, running_servers, stop

from .apps import SnippetApp

__all__ = [
    "HOST",
    "PRODUCTION_SERVER",
    "RunningServer",
    "Server",
    "ShownCommand",
    "running_servers",
    "stop",
]

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
