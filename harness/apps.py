"""The example apps under snippets/, found by file name.

Every `snippets/<topic>/<framework>[_<variant>]_app.py` module is one app. The
file name says which framework it runs on, and so which client and which
production server it gets.
"""

import functools
import importlib
from dataclasses import dataclass
from functools import cached_property

from harness.project import APP_MODULES, SNIPPETS

# Quart is Flask's API on ASGI: its apps get an ASGI client and an ASGI server (Hypercorn).
FRAMEWORKS = ("fastapi", "flask", "quart")


@dataclass(frozen=True)
class SnippetApp:
    """One example module: `snippets/<topic>/<name>_app.py`, imported on first use."""

    topic: str
    name: str  # file stem without "_app": "fastapi", "flask_robust", ...

    @property
    def framework(self) -> str:
        return self.name.split("_", 1)[0]

    @property
    def module_name(self) -> str:
        return f"snippets.{self.topic}.{self.name}_app"

    @cached_property
    def module(self):
        return importlib.import_module(self.module_name)

    @property
    def app(self):
        return self.module.app

    def __str__(self) -> str:
        return f"{self.topic}/{self.name}"


def all_apps() -> list[SnippetApp]:
    """Every example app under snippets/, sorted by path."""
    return list(_found_apps())


@functools.cache
def _found_apps() -> tuple[SnippetApp, ...]:
    """Looked for once per process: collecting the tests asks for the apps hundreds of times, and an
    app file does not appear in the middle of a run."""
    apps = []
    for path in sorted(SNIPPETS.glob(f"*/{APP_MODULES}")):
        app = SnippetApp(topic=path.parent.name, name=path.stem.removesuffix("_app"))
        if app.framework not in FRAMEWORKS:
            raise ValueError(f"{path}: name must start with one of {FRAMEWORKS}")
        apps.append(app)
    return tuple(apps)


def topic_apps(topic: str) -> list[SnippetApp]:
    apps = [app for app in all_apps() if app.topic == topic]
    if not apps:
        raise ValueError(f"no apps under snippets/{topic}/")
    return apps


def get_app(topic: str, name: str) -> SnippetApp:
    """The app `snippets/<topic>/<name>_app.py`; an error names what is missing."""
    for app in topic_apps(topic):
        if app.name == name:
            return app
    raise ValueError(f"no app snippets/{topic}/{name}_app.py")
