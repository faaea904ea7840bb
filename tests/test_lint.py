"""ruff keeps snippets/, tests/, scripts/ and harness/ linted and formatted, as readers copy from them."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.project import PYTHON_FOLDERS, ROOT

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=" ".join)
def test_ruff(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *PYTHON_FOLDERS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# A package registry's hosts, spelled in parts so that this file does not name them itself.
REGISTRY_HOSTS = [
    ".".join(parts)
    for parts in (("pypi", "org"), ("files", "pythonhosted", "org"), ("registry", "npmjs", "org"))
]


def project_files() -> list[Path]:
    """The project's own files: every file but those in hidden folders (.git, .venv, .cache), installed
    packages and build output, so that a copy of the project without its .git is read the same way."""
    skipped = {"node_modules", "site", "__pycache__"}
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if not name.startswith(".") and name not in skipped]
        found += [Path(folder) / name for name in files]
    return found


def test_no_project_file_names_a_package_registrys_host():
    """Requirements are pinned without URLs and pages link a project's own docs or repository, so the
    project names no registry: a reader follows the project, and a mirror can stand in for the index."""
    naming = [
        str(path.relative_to(ROOT))
        for path in project_files()
        if any(host in path.read_text(errors="replace") for host in REGISTRY_HOSTS)
    ]
    assert naming == []


def test_the_machinery_never_imports_the_commands():
    """scripts/ holds the commands a person runs; tests and harness/ import harness, never scripts."""
    offenders = []
    for folder in ("tests", "harness"):
        for module in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(module.read_text())):
                names = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                if any(name == "scripts" or name.startswith("scripts.") for name in names):
                    offenders.append(f"{module.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
