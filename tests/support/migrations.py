"""The two migration tools of snippets/migrations/, run as a reader runs them: a command in a subprocess.

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

from harness.project import ROOT

MIGRATIONS_TOPIC = "migrations"


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
        return subprocess.run(
            [sys.executable, "-m", *self.command, *args],
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
