"""mypy passes on every snippet, and reports on the deliberate mistakes exactly what the page shows.

docs/type-safety.md says what a type checker catches in FastAPI and in Flask;
this is what holds it to that. mypy runs as a reader would run it, `mypy` or
`mypy FILE` from the repository root, with pyproject.toml's [tool.mypy]. The
mistake files (snippets/type_checking/) are left out of the clean run and
checked one by one: the page shows each one's report from its `.mypy.txt`
file, which `--update-examples` rewrites from a real run. Their code also runs
here, to show what each slip does to a request.
"""

import difflib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import version

import pytest
from fastapi.exceptions import ResponseValidationError
from fastapi.testclient import TestClient
from pydantic import ValidationError

from harness.project import DOCS, ROOT, SNIPPETS, snippet_files, topics
from snippets.type_checking import fastapi_mistakes, flask_mistakes

MISTAKES = SNIPPETS / "type_checking"
MISTAKE_FILES = sorted(MISTAKES.glob("*_mistakes.py"))
# Each migration tool's folder: an env.py each (two modules named env) and revisions named from a
# digit, which the tools load by path; mypy cannot take them as modules of one package.
TOOL_FOLDERS = [SNIPPETS / "migrations" / "alembic", SNIPPETS / "migrations" / "migrations"]
ORDER = {"item": "pen", "quantity": 2}


def mypy(*paths: str) -> subprocess.CompletedProcess:
    """`mypy PATHS` in the repository root; a cold run (no .cache/mypy yet) takes 20 to 30 s."""
    # Colour codes would end up in the saved reports.
    environment = {name: value for name, value in os.environ.items() if "FORCE_COLOR" not in name}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *paths],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=100,
    )
    # 0: no error, 1: errors found; anything else is mypy failing to run.
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result


@dataclass(frozen=True)
class Topic:
    """A topic as a test parameter: --topic NAME selects the tests given one."""

    topic: str

    def __str__(self) -> str:
        return self.topic


@pytest.mark.per_topic
@pytest.mark.parametrize("topic", [Topic(name) for name in topics()], ids=str)
def test_mypy_passes_on_the_topics_snippets(topic):
    """`--topic NAME` type-checks that topic's modules; the whole run checks them all at once below."""
    result = mypy(f"snippets/{topic}")
    assert result.returncode == 0, result.stdout


@pytest.mark.slow
def test_mypy_passes_on_every_snippet():
    result = mypy()
    assert result.returncode == 0, result.stdout
    # A wider `exclude` would pass by checking less: every module but the mistakes and the migration
    # tools' folders (TOOL_FOLDERS) is checked.
    left_out = [MISTAKES, *TOOL_FOLDERS]
    expected = [
        path
        for path in snippet_files()
        if path.suffix == ".py" and not any(folder in path.parents for folder in left_out)
    ]
    checked = re.search(r"in (\d+) source files?", result.stdout)
    assert checked and int(checked.group(1)) == len(expected), result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("mistakes", MISTAKE_FILES, ids=lambda path: path.stem)
def test_mypy_reports_what_the_page_shows(mistakes, update_shown):
    path = str(mistakes.relative_to(ROOT))
    report = f"$ mypy {path}\n" + mypy(path).stdout
    shown_file = mistakes.with_suffix(".mypy.txt")
    if update_shown:
        shown_file.write_text(report)
        return
    shown = shown_file.read_text() if shown_file.exists() else ""
    if report != shown:
        diff = difflib.unified_diff(
            shown.splitlines(keepends=True),
            report.splitlines(keepends=True),
            f"{shown_file.relative_to(ROOT)} (shown)",
            "mypy's report",
        )
        pytest.fail(
            "the page shows a report mypy does not give (--update-examples rewrites it):\n" + "".join(diff)
        )


def test_the_page_names_the_versions_it_checked():
    """The section's first sentence names mypy's, FastAPI's and Flask's versions: the pinned ones."""
    page = (DOCS / "type-safety.md").read_text()
    section = page.partition("\n## What a type checker catches\n")[2]
    first_sentence = " ".join(section.split()).partition(": ")[0]
    assert first_sentence == (
        f"Checked with mypy {version('mypy')}, FastAPI {version('fastapi')} and Flask {version('flask')}"
    )


def test_run_fastapi_answers_500_to_both_slips():
    """What mypy reports is a 500 at runtime: the Receipt refuses "penpen" as a total, and FastAPI
    refuses to send an Order, which has no total, as the Receipt the return type declares."""
    client = TestClient(fastapi_mistakes.app, raise_server_exceptions=False)
    assert client.post("/orders", json=ORDER).status_code == 500
    assert client.post("/orders/preview", json=ORDER).status_code == 500
    raising = TestClient(fastapi_mistakes.app)
    with pytest.raises(ValidationError) as refused:
        raising.post("/orders", json=ORDER)
    assert [(error["loc"], error["input"]) for error in refused.value.errors()] == [(("total",), "penpen")]
    with pytest.raises(ResponseValidationError) as unsent:
        raising.post("/orders/preview", json=ORDER)
    assert [(error["type"], error["loc"][-1]) for error in unsent.value.errors()] == [("missing", "total")]


def test_run_flask_answers_200_with_the_wrong_body():
    """What mypy lets through reaches the client: a total of "pen" * 2, and the order as the receipt."""
    client = flask_mistakes.app.test_client()
    placed = client.post("/orders", json=ORDER)
    assert (placed.status_code, placed.get_json()) == (200, {"item": "pen", "total": "penpen"})
    previewed = client.post("/orders/preview", json=ORDER)
    assert (previewed.status_code, previewed.get_json()) == (200, ORDER)
