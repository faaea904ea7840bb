"""Schema migrations: each tool upgrades, downgrades, checks models against revisions and fails as one unit.

tests/test_contracts.py and tests/test_real_servers.py check the shown
exchanges and snippets/migrations/bad_input.md against each app, on the SQLite
files the tools migrated when the run began (tests/support/migrations.py).
This module runs `alembic` and `flask db` as a reader does, in subprocesses,
on new databases of a throwaway PostgreSQL cluster (harness/postgres.py);
where a test changes the code, it changes a copy of the project in tmp_path.
"""

import itertools
import shutil
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import create_engine, inspect

from harness.apps import topic_apps
from harness.project import ROOT, SNIPPETS
from support.clients import in_process_client
from support.migrations import TOOLS, MigrationTool
from support.tables import literal, read_pipe_table

TOPIC = "migrations"
FOLDERS = {"fastapi": "alembic", "flask": "migrations"}  # each tool's scripts, under snippets/migrations/
FAILED_HALFWAY = SNIPPETS / TOPIC / "failed_halfway.md"
ROW_COLUMNS = ("Database", "Starting at")
TOOL_COLUMNS = tuple(f"{tool.title}: {what}" for tool in TOOLS for what in ("columns after", "version after"))
NAMES = itertools.count()


def test_both_apps_read_the_same_rows():
    for item_id in (1, 2, 3):
        answers = {(r.status_code, r.json().get("description")) for r in answers_for(item_id)}
        assert len(answers) == 1, answers


def answers_for(item_id: int):
    return [in_process_client(app).get(f"/items/{item_id}") for app in topic_apps(TOPIC)]


@pytest.fixture
def new_database(postgres_cluster):
    """The URL of a new, empty PostgreSQL database for each call."""
    return lambda: postgres_cluster.url(database=postgres_cluster.create_database(f"m{next(NAMES)}"))


def columns(url: str) -> list[tuple[str, str, bool]] | None:
    """The items table's columns (name, type, nullable) as the database has them; None without the table."""
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        if not inspector.has_table("items"):
            return None
        return [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns("items")]
    finally:
        engine.dispose()


def version(url: str) -> str | None:
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("alembic_version"):
            return None
        with engine.connect() as connection:
            return connection.scalar(sqlalchemy.text("select version_num from alembic_version"))
    finally:
        engine.dispose()


def succeeds(tool: MigrationTool, *args: str, url: str, cwd: Path = ROOT) -> None:
    result = tool.run(*args, url=url, cwd=cwd)
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stderr}"


def project_copy(tmp_path: Path) -> Path:
    """A copy of what the tools import: snippets/__init__.py and snippets/migrations/, to change."""
    copy = tmp_path / "project"
    shutil.copytree(SNIPPETS / TOPIC, copy / "snippets" / TOPIC, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(SNIPPETS / "__init__.py", copy / "snippets" / "__init__.py")
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path}: {old!r} not found"
    path.write_text(text.replace(old, new))


def last_step_undone(tool: MigrationTool, url: str, cwd: Path = ROOT):
    """The columns at the revision before head, and after upgrading to head and downgrading one step."""
    succeeds(tool, "upgrade", "0001", url=url, cwd=cwd)
    before = columns(url)
    succeeds(tool, *tool.upgrade, url=url, cwd=cwd)
    assert columns(url) != before, "head changes nothing"
    succeeds(tool, *tool.downgrade, url=url, cwd=cwd)
    return before, columns(url)


@pytest.mark.servers
@pytest.mark.parametrize("tool", TOOLS, ids=lambda tool: tool.title)
def test_downgrade_one_step_restores_the_schema(tool, new_database):
    url = new_database()
    before, after = last_step_undone(tool, url)
    assert before == [("id", "INTEGER", False), ("name", "VARCHAR(100)", False)]
    assert after == before
    assert version(url) == "0001"


@pytest.mark.servers
@pytest.mark.parametrize("tool", TOOLS, ids=lambda tool: tool.title)
def test_downgrade_to_base_removes_the_table_and_the_version(tool, new_database):
    url = new_database()
    succeeds(tool, *tool.upgrade, url=url)
    succeeds(tool, "downgrade", "base", url=url)
    assert columns(url) is None
    assert version(url) is None


@pytest.mark.servers
@pytest.mark.parametrize("tool", TOOLS, ids=lambda tool: tool.title)
def test_the_downgrade_comparison_sees_a_downgrade_that_keeps_the_column(tool, new_database, tmp_path):
    copy = project_copy(tmp_path)
    revision = copy / "snippets" / TOPIC / FOLDERS[tool.app] / "versions" / "0002_add_description.py"
    edit(revision, 'op.drop_column("items", "description")', "pass")
    before, after = last_step_undone(tool, new_database(), cwd=copy)
    assert after != before
    assert [name for name, *_ in after] == ["id", "name", "description"]


@pytest.mark.servers
@pytest.mark.parametrize("tool", TOOLS, ids=lambda tool: tool.title)
def test_check_passes_when_the_revisions_create_the_models(tool, new_database):
    url = new_database()
    succeeds(tool, *tool.upgrade, url=url)
    succeeds(tool, *tool.check, url=url)


@pytest.mark.servers
@pytest.mark.parametrize("tool", TOOLS, ids=lambda tool: tool.title)
def test_check_fails_when_a_model_has_a_column_no_revision_creates(tool, new_database, tmp_path):
    copy = project_copy(tmp_path)
    model = copy / "snippets" / TOPIC / f"{tool.app}_app.py"
    added = "    price: Mapped[float | None]\n\n\n# --8<-- [end:models]"
    edit(model, "\n\n# --8<-- [end:models]", "\n" + added)
    url = new_database()
    succeeds(tool, *tool.upgrade, url=url, cwd=copy)
    result = tool.run(*tool.check, url=url, cwd=copy)
    assert result.returncode != 0
    assert "New upgrade operations detected" in result.stderr + result.stdout
    assert "price" in result.stderr + result.stdout


# Copied into each tool's versions/ as revision 0003; the page shows it.
FAILING_REVISION = SNIPPETS / TOPIC / "failing_revision.py"


def shown(cells_columns) -> str | None:
    return None if cells_columns is None else ", ".join(name for name, *_ in cells_columns)


@pytest.mark.servers
@pytest.mark.parametrize("row", read_pipe_table(FAILED_HALFWAY, reads=(*ROW_COLUMNS, *TOOL_COLUMNS)), ids=str)
def test_a_revision_that_fails_halfway(row, postgres_cluster, tmp_path):
    copy = project_copy(tmp_path)
    answered = {}
    for tool in TOOLS:
        (copy / "snippets" / TOPIC / FOLDERS[tool.app] / "versions" / "0003_fails.py").write_text(
            FAILING_REVISION.read_text()
        )
        if row["Database"] == "PostgreSQL":
            url = postgres_cluster.url(database=postgres_cluster.create_database(f"m{next(NAMES)}"))
        else:
            url = f"sqlite:///{tmp_path}/{tool.app}.db"
        if (start := literal(row["Starting at"])) is not None:
            succeeds(tool, "upgrade", start, url=url, cwd=copy)
        result = tool.run(*tool.upgrade, url=url, cwd=copy)
        assert result.returncode != 0, "revision 0003 did not fail"
        answered[f"{tool.title}: columns after"] = shown(columns(url))
        answered[f"{tool.title}: version after"] = version(url)
    assert answered == {name: literal(row[name]) for name in TOOL_COLUMNS}
