"""Scripts a contributor runs: `--help` works, and a wrong argument is a clear error, not a crash."""

import subprocess
import sys

import pytest

from support.paths import ROOT

# Programs, not the modules they share (hooks, helpers).
SCRIPTS = sorted(path for path in (ROOT / "scripts").glob("*.py") if "__main__" in path.read_text())


def run(script, *args):
    return subprocess.run(
        [sys.executable, script, *args], capture_output=True, text=True, timeout=30, cwd=ROOT
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_help(script):
    result = run(script, "--help")
    assert result.returncode == 0
    assert "usage:" in result.stdout


def test_dev_rejects_an_unknown_command_before_installing_anything():
    result = run(ROOT / "scripts" / "dev.py", "deploy")
    assert result.returncode == 2
    assert "invalid choice: 'deploy'" in result.stderr
    assert "Traceback" not in result.stderr
