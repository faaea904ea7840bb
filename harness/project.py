"""Where the project's parts live, what a topic is, what requirements.txt pins, a copy: standard library only.

`scripts/dev.py` and `scripts/new_topic.py` import this module on the system
Python, before .venv exists, so it imports nothing outside the standard
library. pytest puts the repository root on sys.path (pyproject.toml); the
scripts put it there themselves.
"""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"
TESTS = ROOT / "tests"
REQUIREMENTS = ROOT / "requirements.txt"
# An example app: snippets/<topic>/<framework>[_<variant>]_app.py, exposing `app`.
APP_MODULES = "*_app.py"


def topics(snippets: Path = SNIPPETS) -> list[str]:
    """The topics: the folders under snippets/ that hold at least one example app, sorted.

    A folder without an app (a helper package such as type_checking) is not a
    topic: nothing serves it, so there is nothing to test end to end.
    """
    return sorted({path.parent.name for path in snippets.glob(f"*/{APP_MODULES}")})


def topic_problem(name: str, snippets: Path = SNIPPETS) -> str | None:
    """Why `name` is not a topic, naming the topics there are; None if it is one."""
    known = topics(snippets)
    if name in known:
        return None
    return f"no folder of snippets/ named {name!r} holds example apps; topics are: {', '.join(known)}"


def snippet_files(snippets: Path = SNIPPETS) -> list[Path]:
    """Every file of snippets/ that belongs to the project, sorted: tracked, or new and not ignored by git.

    A file an example writes as it runs (async_items.db, say) is ignored, so
    the checks that every file is shown and tested give the same answer after
    a reader ran an example in place. In a copy without git, every file counts.
    """
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=snippets,
            capture_output=True,
            check=True,
            timeout=30,
        ).stdout.decode()
        files = [snippets / name for name in listed.split("\0") if name]
    except (OSError, subprocess.SubprocessError):  # no git, or not a repository
        files = [path for path in snippets.rglob("*") if path.is_file()]
    return sorted(path for path in files if path.is_file() and "__pycache__" not in path.parts)


def copy_project(destination: Path) -> Path:
    """The files a commit of the working tree would hold (tracked, or new and not ignored), without history.

    As a fresh clone or a downloaded archive has them: no .venv, no build
    output, no caches. Outside a git repository (a copy of a copy), every file
    but those.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
    )
    if listed.returncode != 0:
        shutil.copytree(ROOT, destination, ignore=NOT_COPIED)
        return destination
    for name in sorted(set(listed.stdout.decode().split("\0")) - {""}):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


# Outside git: what a copy leaves out (history, environments, build output, caches).
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".venv-latest",
    "latest-run",
    "node_modules",
    "site",
    ".cache",
    "__pycache__",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
    ".coverage*",
)


def pinned_requirements(path: Path = REQUIREMENTS) -> dict[str, str]:
    """requirements.txt as {distribution name, lowercase: version}."""
    pins = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


# The folders of Python code: ruff checks them (tests/test_lint.py), and so does the pre-commit hook.
PYTHON_FOLDERS = ("snippets", "tests", "scripts", "harness")
