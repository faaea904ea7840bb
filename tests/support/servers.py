"""Which server runs which snippet app, in which environment; the commands are scripts/server_commands.py.

A `Server` is an app, the way it is served (by default its framework's
production server: uvicorn or gunicorn) and the environment variables it runs
with; equal `Server`s are the same running server for tests/support/server_pool.py.
A `ShownCommand` is a whole command line as a page shows it. Starting and
stopping either is scripts/local_servers.py.
"""

import shlex
from dataclasses import dataclass

from scripts.local_servers import HOST, RunningServer, running_servers, stop
from scripts.server_commands import PRODUCTION, ServerCommand, installed_program

from .apps import SnippetApp

__all__ = [
    "HOST",
    "RunningServer",
    "Server",
    "ShownCommand",
    "running_servers",
    "stop",
]


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
