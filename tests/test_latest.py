"""The weekly check against the newest releases: what `--latest` runs, and how a failure is reported.

The workflow itself runs only on GitHub; here its report is driven with a
simulated run (a JUnit report with failures, a `pip freeze` with newer
versions) and `--dry-run`, which prints the `gh` commands it would run.
"""

import subprocess
import sys

import pytest

from harness.latest_report import TITLE
from harness.project import ROOT
from harness.suite import LATEST_DESELECTED, pytest_command, versions_report

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover

JUNIT = """\
<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="3" failures="1" errors="1">
<testcase classname="tests.test_contracts" name="test_page_shows_what_the_app_answers[hello/fastapi:home]">
<failure message="AssertionError: hello/fastapi:home: the page shows a response the app does not give&#10;
diff">details</failure></testcase>
<testcase classname="tests.test_routing" name="test_a_405_lists_the_methods_the_table_states">
<error message="KeyError: 'allow'">trace</error></testcase>
<testcase classname="tests.test_hello" name="test_passes"/>
</testsuite></testsuites>
"""


@pytest.fixture
def run_files(tmp_path):
    """A simulated failing run: its JUnit report and the versions it installed."""
    pins = {line.split("==")[0]: line for line in (ROOT / "requirements.txt").read_text().splitlines()}
    pins["fastapi"] = "fastapi==99.0.0"
    (tmp_path / "versions.txt").write_text("\n".join(pins.values()) + "\n")
    (tmp_path / "junit.xml").write_text(JUNIT)
    return tmp_path


def report(run_files, *args):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.latest_report",
            "--dry-run",
            "--junit",
            str(run_files / "junit.xml"),
            "--versions",
            str(run_files / "versions.txt"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
    )


def test_a_failure_opens_an_issue_naming_the_versions_and_the_failing_tests(run_files):
    result = report(run_files, "--outcome", "failure", "--open-issue", "none")
    assert result.returncode == 0, result.stderr
    commands = [line for line in result.stdout.splitlines() if line.startswith("$ ")]
    assert commands == [f"$ gh issue create --title {TITLE} --body-file -"]
    assert "fastapi 0.165.0 -> 99.0.0" in result.stdout
    assert "**Failing tests (2):**" in result.stdout
    assert (
        "- `tests/test_contracts.py::test_page_shows_what_the_app_answers[hello/fastapi:home]`: "
        "AssertionError: hello/fastapi:home: the page shows a response the app does not give"
    ) in result.stdout
    assert "- `tests/test_routing.py::test_a_405_lists_the_methods_the_table_states`: KeyError: 'allow'" in (
        result.stdout
    )
    assert "test_passes" not in result.stdout


def test_a_failure_while_the_issue_is_open_comments_on_it(run_files):
    result = report(run_files, "--outcome", "failure", "--open-issue", "7")
    assert [line for line in result.stdout.splitlines() if line.startswith("$ ")] == [
        "$ gh issue comment 7 --body-file -"
    ]


def test_a_pass_after_a_failure_says_so_and_closes_the_issue(run_files):
    result = report(run_files, "--outcome", "success", "--open-issue", "7")
    assert [line for line in result.stdout.splitlines() if line.startswith("$ ")] == [
        "$ gh issue comment 7 --body-file -",
        "$ gh issue close 7",
    ]
    assert "Passes again against the newest releases" in result.stdout


def test_a_pass_with_no_issue_open_does_nothing(run_files):
    assert report(run_files, "--outcome", "success", "--open-issue", "none").stdout == ""


def test_a_run_that_stopped_before_the_tests_still_reports(run_files):
    (run_files / "junit.xml").unlink()
    result = report(run_files, "--outcome", "failure", "--open-issue", "none")
    assert "No test report: the run stopped before the tests" in result.stdout


def test_a_wrong_issue_number_is_a_clear_error(run_files):
    result = report(run_files, "--outcome", "failure", "--open-issue", "seven")
    assert result.returncode == 2
    assert "--open-issue must be a number, none or auto, not 'seven'" in result.stderr


def test_latest_runs_the_suite_but_the_benchmark_and_the_pin_check():
    command = pytest_command(latest=True, python="/latest/bin/python")
    assert command[:3] == ["/latest/bin/python", "-m", "pytest"]
    assert command[command.index("-m", 3) + 1] == "not bench"
    assert [command[i + 1] for i, part in enumerate(command) if part == "--deselect"] == list(
        LATEST_DESELECTED
    )
    assert any(part.startswith("--junitxml=") and part.endswith("latest-run/junit.xml") for part in command)


def test_the_versions_report_names_each_change():
    text = versions_report({"fastapi": "1.0", "flask": "3.1"}, {"fastapi": "1.1", "flask": "3.1", "new": "2"})
    assert text.splitlines() == [
        "Newest releases: fastapi 1.1, flask 3.1.",
        "1 differ from requirements.txt, 1 are the pinned version.",
        "  fastapi 1.0 -> 1.1",
        "  new 2 (not pinned)",
    ]
