"""Report the weekly run against the newest releases on GitHub: one issue while it fails, closed on a pass.

The weekly workflow (.github/workflows/latest.yml) runs `scripts/dev.py test
--latest`, which writes latest-run/junit.xml and latest-run/versions.txt. This
script reads them and the run's outcome, and with GitHub's `gh` CLI:
- on a failure, opens an issue naming the versions that differ from
  requirements.txt and the failing tests, or comments on the one still open;
- on a success after a failure, says so on that issue and closes it;
- on a success with no issue open, does nothing.
`--dry-run` prints the `gh` commands and the text instead of running them;
the tests drive it that way with a simulated failing run.
"""

import argparse
import json
import os
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from harness.project import REQUIREMENTS, pinned_requirements
from harness.suite import versions_report

TITLE = "The suite fails against the newest releases"


@dataclass(frozen=True)
class Failure:
    test: str  # tests/test_x.py::test_name[param]
    message: str  # the first line of the failure's message


def failures(junit: Path) -> list[Failure]:
    """The failed and errored tests of a pytest JUnit XML report."""
    found = []
    for case in ElementTree.parse(junit).iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is None:
            continue
        module = case.get("classname", "").replace(".", "/")
        test = f"{module}.py::{case.get('name')}" if module else str(case.get("name"))
        message = (problem.get("message") or problem.text or "").strip().splitlines()
        found.append(Failure(test, message[0][:200] if message else ""))
    return found


def run_link() -> str:
    server, repository, run = (
        os.environ.get(name) for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    return f"{server}/{repository}/actions/runs/{run}" if server and repository and run else "this run"


def failure_body(junit: Path, versions: Path, pins: Path = REQUIREMENTS) -> str:
    """The issue text: which versions differ from the pins, and which tests failed with them."""
    lines = [f"The weekly check against the newest releases failed ({run_link()}).", ""]
    if versions.exists():
        lines += [
            "```text",
            versions_report(pinned_requirements(pins), pinned_requirements(versions)),
            "```",
            "",
        ]
    else:
        lines += ["The environment could not be built; the run's log says why.", ""]
    if junit.exists():
        failed = failures(junit)
        lines.append(f"**Failing tests ({len(failed)}):**")
        lines += [f"- `{failure.test}`: {failure.message}" for failure in failed]
        if not failed:
            lines.append("- none recorded: the run failed outside the tests (see its log)")
    else:
        lines.append("No test report: the run stopped before the tests (see its log).")
    lines += ["", "Each failing test names the page or example that must change for these versions."]
    return "\n".join(lines) + "\n"


def success_body(versions: Path, pins: Path = REQUIREMENTS) -> str:
    report = (
        versions_report(pinned_requirements(pins), pinned_requirements(versions)) if versions.exists() else ""
    )
    return f"Passes again against the newest releases ({run_link()}):\n\n```text\n{report}\n```\n"


def plan(outcome: str, open_issue: int | None, junit: Path, versions: Path) -> list[tuple[list[str], str]]:
    """The `gh` commands to run, each with the text it reads from standard input ("" for none)."""
    if outcome == "failure":
        body = failure_body(junit, versions)
        if open_issue is None:
            return [(["gh", "issue", "create", "--title", TITLE, "--body-file", "-"], body)]
        return [(["gh", "issue", "comment", str(open_issue), "--body-file", "-"], body)]
    if outcome == "success" and open_issue is not None:
        return [
            (["gh", "issue", "comment", str(open_issue), "--body-file", "-"], success_body(versions)),
            (["gh", "issue", "close", str(open_issue)], ""),
        ]
    return []


def open_issue_number() -> int | None:
    """The open issue this script opened before, found by its title."""
    listed = subprocess.run(
        [
            "gh",
            "issue",
            "list",
            "--state",
            "open",
            "--search",
            f'in:title "{TITLE}"',
            "--json",
            "number,title",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    numbers = [issue["number"] for issue in json.loads(listed) if issue["title"] == TITLE]
    return min(numbers) if numbers else None


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outcome", required=True, choices=("success", "failure", "cancelled", "skipped"))
    parser.add_argument("--junit", type=Path, default=Path("latest-run/junit.xml"))
    parser.add_argument("--versions", type=Path, default=Path("latest-run/versions.txt"))
    parser.add_argument(
        "--open-issue",
        default="auto",
        help="the open issue's number, `none`, or `auto` to ask GitHub (default)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the gh commands instead of running them"
    )
    options = parser.parse_args(argv)
    if options.open_issue not in ("auto", "none") and not options.open_issue.isdigit():
        parser.error(f"--open-issue must be a number, none or auto, not {options.open_issue!r}")
    return options


def main(argv: list[str]) -> int:
    options = parse_args(argv)
    if options.open_issue == "auto":
        issue = open_issue_number()
    else:
        issue = None if options.open_issue == "none" else int(options.open_issue)
    for command, text in plan(options.outcome, issue, options.junit, options.versions):
        if options.dry_run:
            print("$ " + " ".join(command))
            print(text, end="")
        else:
            subprocess.run(command, input=text, check=True, text=True, timeout=60)
    return 0
