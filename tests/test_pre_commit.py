"""The pre-commit hooks CONTRIBUTING.md asks contributors to install are valid and run the pinned tools.

pre-commit validates the file; each hook is local (nothing fetched) and names
a program in this .venv; the ruff hooks fail on a file ruff would reject; the
test hook runs the quick tier. Running the hooks needs no git
repository here, so this also runs in tests/test_new_topic.py's copy.
"""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from harness.project import PYTHON_FOLDERS, ROOT

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.no_cover]

CONFIG = ROOT / ".pre-commit-config.yaml"
VENV_BIN = Path(sys.executable).parent  # the .venv the suite runs in, as the hooks' entries name it
HOOKS = {hook["id"]: hook for repo in yaml.safe_load(CONFIG.read_text())["repos"] for hook in repo["hooks"]}


def command(hook_id: str) -> list[str]:
    """The hook's entry as an argument list, with .venv/bin/ resolved to this suite's .venv."""
    program, *args = shlex.split(HOOKS[hook_id]["entry"])
    return [str(VENV_BIN / Path(program).relative_to(".venv/bin")), *args]


def test_pre_commit_accepts_the_config():
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(CONFIG)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_hook_is_local_and_runs_a_program_from_the_venv():
    repos = yaml.safe_load(CONFIG.read_text())["repos"]
    assert [repo["repo"] for repo in repos] == ["local"]
    assert set(HOOKS) == {"ruff-format", "ruff-check", "quick-tests"}
    for hook_id, hook in HOOKS.items():
        assert hook["language"] == "system", hook_id
        assert hook["entry"].startswith(".venv/bin/"), hook_id
        assert Path(command(hook_id)[0]).is_file(), hook_id


@pytest.mark.parametrize(
    ("hook_id", "source", "complaint"),
    [
        ("ruff-check", "import os\n", "F401"),
        ("ruff-format", "x = {  'a':1 }\n", "1 file reformatted"),
    ],
)
def test_ruff_hooks_reject_what_ruff_rejects(tmp_path, hook_id, source, complaint):
    path = tmp_path / "bad.py"
    path.write_text(source)
    result = subprocess.run(
        [*command(hook_id), str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert complaint in result.stdout + result.stderr
    # pre-commit fails a hook that exits non-zero or changes a file.
    assert result.returncode != 0 or path.read_text() != source


def test_ruff_hooks_see_the_folders_the_lint_test_checks():
    """A commit to any folder tests/test_lint.py runs ruff on must be checked by the hooks too."""
    for hook_id in ("ruff-format", "ruff-check"):
        for folder in PYTHON_FOLDERS:
            assert re.match(HOOKS[hook_id]["files"], f"{folder}/example.py"), (hook_id, folder)


def test_the_test_hook_runs_the_quick_tier_by_marker():
    """The hook selects tests as `scripts/dev.py test --quick` does (markers), not by a list of files."""
    arguments = command("quick-tests")
    assert arguments[1:4] == ["-m", "pytest", "--quick"]
    assert not [arg for arg in arguments if arg.startswith("tests/")]
