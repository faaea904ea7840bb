"""Configuration: the environments table on the page, each row applied to a fresh import of each app."""

import importlib
import json

import pytest
from pydantic import ValidationError

from support.apps import get_app
from support.clients import in_process_client
from support.paths import SNIPPETS
from support.tables import literal, read_pipe_table

ROWS = read_pipe_table(SNIPPETS / "settings" / "environments.md")


@pytest.fixture
def reload_with_env(monkeypatch):
    """Re-import an app's module under given environment variables; restore it afterwards."""
    reloaded = []

    def reload(app, environment: str | None):
        for name in ("APP_GREETING", "APP_MAX_ITEMS"):
            monkeypatch.delenv(name, raising=False)
        for assignment in (environment or "").split():
            name, value = assignment.split("=", 1)
            monkeypatch.setenv(name, value)
        reloaded.append(app)
        return importlib.reload(app.module)

    yield reload
    monkeypatch.undo()
    for app in reloaded:
        importlib.reload(app.module)


@pytest.mark.parametrize("framework", ["FastAPI", "Flask"])
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row["Case"])
def test_settings_from_the_environment(row, framework, reload_with_env):
    app = get_app("settings", framework.lower())
    expected = row[f"{framework} answers"]
    if expected == "fails to start":
        with pytest.raises(ValidationError):
            reload_with_env(app, literal(row["Environment"]))
        return
    reload_with_env(app, literal(row["Environment"]))
    assert in_process_client(app).get("/settings").json() == json.loads(literal(expected))
