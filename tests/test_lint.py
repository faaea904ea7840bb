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


# A package registry's hosts, spelled in parts so that this file does not name them itself.
REGISTRY_HOSTS = [
    ".".join(parts)
    for parts in (("pypi", "org"), ("files", "pythonhosted", "org"), ("registry", "npmjs", "org"))
]


def test_no_tracked_file_names_a_package_registrys_host():
    """Requirements are pinned without URLs and pages link a project's own docs or repository, so the
    project names no registry: a reader follows the project, and a mirror can stand in for the index."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    naming = [
        name
        for name in tracked
        if name
        and (ROOT / name).is_file()
        and any(host in (ROOT / name).read_text(errors="replace") for host in REGISTRY_HOSTS)
    ]
    assert naming == []
