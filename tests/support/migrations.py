"""The two migration tools of snippets/migrations/, run as a reader runs them: a command in a subprocess.

When this run measures coverage, so does each tool's process (measured_like_this_run).

Each app reads its database URL from its own variable (the FastAPI app and
alembic/env.py from FASTAPI_DATABASE_URL, the Flask app and so `flask db`
from FLASK_SQLALCHEMY_DATABASE_URI), so both can sit beside the database
topic's DATABASE_URL in one test run.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import coverage

from harness.project import ROOT

MIGRATIONS_TOPIC = "migrations"


def measured_like_this_run() -> list[str]:
    """`-m coverage run` options that measure a tool's process as this run measures itself, if it does.

    The tools load env.py and the revisions in their own process, where this
    run's tracer is not. Under `coverage run --parallel-mode` each writes a
    data file beside this run's, and pytest-cov combines them when the run ends.
    """
    current = coverage.Coverage.current()
    if current is None:  # --no-cov
        return []
    config = current.config
    return [
        "-m",
        "coverage",
        "run",
        "--parallel-mode",
        f"--rcfile={config.config_file}",
        f"--data-file={Path(config.data_file).resolve()}",
        # This run's sources (--cov=snippets/NAME narrows them): else the tool's data would list
        # every other snippet as never run.
        f"--source={','.join(config.source or [])}",
    ]


@dataclass(frozen=True)
class MigrationTool:
    app: str  # the app whose schema it changes: "fastapi", "flask"
    title: str  # as the page's tables name it
    url_variable: str
    command: tuple[str, ...]  # the reader's command line, up to the subcommand
    upgrade: tuple[str, ...]
    downgrade: tuple[str, ...]
    check: tuple[str, ...] = ("check",)

    def run(self, *args: str, url: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
        """The tool with `args`, on the database at `url`, from the project at `cwd`."""
        environment = {**os.environ, self.url_variable: url}
        measured = measured_like_this_run() if cwd == ROOT else []
        return subprocess.run(
            [sys.executable, *measured, "-m", *self.command, *args],
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )


ALEMBIC = MigrationTool(
    app="fastapi",
    title="Alembic",
    url_variable="FASTAPI_DATABASE_URL",
    command=("alembic", "-c", "snippets/migrations/alembic.ini"),
    upgrade=("upgrade", "head"),
    downgrade=("downgrade", "-1"),
)
FLASK_MIGRATE = MigrationTool(
    app="flask",
    title="Flask-Migrate",
    url_variable="FLASK_SQLALCHEMY_DATABASE_URI",
    command=("flask", "--app", "snippets.migrations.flask_app", "db"),
    upgrade=("upgrade",),
    downgrade=("downgrade",),
)
TOOLS = (ALEMBIC, FLASK_MIGRATE)


def migrate_to_head(environment: dict[str, str]) -> None:
    """Bring each app's database in `environment` to head, as a reader does before starting the server."""
    for tool in TOOLS:
        result = tool.run(*tool.upgrade, url=environment[tool.url_variable])
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(tool.command)} {' '.join(tool.upgrade)}:\n{result.stderr}")
