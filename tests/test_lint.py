"""ruff keeps snippets/, tests/ and scripts/ linted and formatted, as readers copy from them."""

import subprocess
import sys

import pytest

from support.paths import ROOT

CHECKED = ["snippets", "tests", "scripts"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=" ".join)
def test_ruff(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *CHECKED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
