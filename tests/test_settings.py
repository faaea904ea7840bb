"""Configuration: the environments table on the page, each row applied to a fresh import of each app."""

import json

import pytest
from pydantic import ValidationError

from harness.apps import get_app
from harness.project import SNIPPETS
from support.clients import in_process_client
from support.tables import literal, read_pipe_table

ROWS = read_pipe_table(
    SNIPPETS / "settings" / "environments.md", reads=("Environment", "FastAPI answers", "Flask answers")
)


def environment(cell: str) -> dict[str, str | None]:
    """The row's variables, with the others unset."""
    variables = {"APP_GREETING": None, "APP_MAX_ITEMS": None}
    for assignment in (literal(cell) or "").split():
        name, value = assignment.split("=", 1)
        variables[name] = value
    return variables


@pytest.mark.parametrize("framework", ["FastAPI", "Flask"])
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row["Case"])
def test_settings_from_the_environment(row, framework, reimport):
    app = get_app("settings", framework.lower())
    expected = row[f"{framework} answers"]
    if expected == "fails to start":
        with pytest.raises(ValidationError):
            reimport(app, **environment(row["Environment"]))
        return
    reimport(app, **environment(row["Environment"]))
    assert in_process_client(app).get("/settings").json() == json.loads(literal(expected))
