"""A topic scaffolded in a copy of the project and checked there, as a contributor would do it.

tests/test_new_topic.py asserts on the result; the run is slow (a copy, a
build, real servers), so the whole suite starts it early in the background
(tests/support/jobs.py).
"""

import itertools
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from harness import scaffold as new_topic
from harness.suite import pytest_command

from .site import copy_project


def free_name() -> str:
    """demo, or demo_2, demo_3, ... if a scaffolded demo is in the tree already (as in the README's check)."""
    for number in itertools.count(1):
        name = "demo" if number == 1 else f"demo_{number}"
        if new_topic.name_problem(name) is None:
            return name
    raise AssertionError("unreachable")


NAME = free_name()
# As long as a title may be (MAX_TITLE), so the wrapping of every file the scaffold writes is
# checked: "Demo, a title as long as the scaffold accepts for a page..." (shorter ones fit where it does).
TITLE = f"{NAME.replace('_', ' ').capitalize()}, a title as long as the scaffold accepts for a page"
TITLE = TITLE[: new_topic.MAX_TITLE].rsplit(" ", 1)[0].ljust(new_topic.MAX_TITLE, ".")


def clean_environment() -> dict[str, str]:
    """This run's environment without the coverage plumbing of the outer pytest."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("COV_CORE_", "COVERAGE_", "PYTEST_"))
    }


@dataclass
class ScaffoldRun:
    copy: Path
    scaffolded: subprocess.CompletedProcess
    suite: subprocess.CompletedProcess | None
    ran: list[str]  # "module::test" of every test the copy's run reported
    # The run before it, as after adding a shown request (see scaffold_and_check), what it wrote
    # and what the scaffold had written, by file name.
    first_add: subprocess.CompletedProcess | None = None
    written: dict[str, str | None] | None = None
    scaffolded_answers: dict[str, str] | None = None


def scaffold_and_check(folder: Path) -> ScaffoldRun:
    """Copy the project into `folder`, scaffold NAME there, then run `scripts/dev.py test --topic NAME`."""
    copy = copy_project(folder / "repo")
    scaffolded = subprocess.run(
        [sys.executable, "scripts/new_topic.py", NAME, TITLE],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=30,
    )
    if scaffolded.returncode != 0:
        return ScaffoldRun(copy, scaffolded, None, [])
    # As after adding a shown request: the answers the scaffold wrote are removed, for
    # `--topic NAME --update-examples` to write them from real runs before the site is built.
    http = copy / "snippets" / NAME / "http"
    scaffolded_answers = {
        path.name: path.read_text() for path in sorted(http.glob("*.http")) if ".request." not in path.name
    }
    for name in scaffolded_answers:
        (http / name).unlink()
    first_add = run_topic(copy, ["--update-examples"])
    written = {
        name: (http / name).read_text() if (http / name).exists() else None for name in scaffolded_answers
    }
    report = folder / "report.xml"
    suite = run_topic(copy, [f"--junitxml={report}"])
    ran = (
        [f"{case.get('classname')}::{case.get('name')}" for case in ET.parse(report).iter("testcase")]
        if report.exists()
        else []
    )
    return ScaffoldRun(copy, scaffolded, suite, ran, first_add, written, scaffolded_answers)


def run_topic(copy: Path, options: list[str]) -> subprocess.CompletedProcess:
    """`scripts/dev.py test --topic NAME` in the copy, as its pytest command, with `options`."""
    command = pytest_command(["-q", "-p", "no:cacheprovider", *options], topic=NAME, python=sys.executable)
    return subprocess.run(
        command, cwd=copy, env=clean_environment(), capture_output=True, text=True, timeout=280
    )
