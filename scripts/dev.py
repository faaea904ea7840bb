"""Set up the pinned environment, then serve the site or run the test suite.

This is the README's Quickstart: `python3.11 scripts/dev.py serve` and
`python3.11 scripts/dev.py test`. Both create .venv on first use and rebuild it
from scratch whenever requirements.txt or the Python running this script
changes, so what passes here is what passes on a fresh machine.

`test` runs everything (what CI runs); `test --quick` is the edit loop (the
topics changed against the default branch in full, the site checks once; see
harness/changes.py) and
`test --topic NAME` checks one topic end to end (tests/conftest.py says what
each selects). `test --latest` runs the suite, except the benchmark, against
the newest releases of everything requirements.in names, in .venv-latest
(rebuilt on every run; .venv is left alone), and prints the versions it got:
the weekly workflow's check that the site still holds for the frameworks'
next releases. Once set up, this process replaces itself with mkdocs or
pytest, so a signal that stops the command stops the server or the tests too.

It uses only the standard library, and so do the parts of harness/ it imports
(project.py, suite.py, changes.py): it runs on the system Python before .venv exists.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import NoReturn

# Run as a file, Python puts scripts/ on sys.path, not the root that holds harness/.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.changes import changed_topics
from harness.project import REQUIREMENTS, ROOT, pinned_requirements, topic_problem
from harness.suite import (
    LATEST_REPORT,
    LATEST_VENV,
    NODE_TIER,
    TIER_JOBS,
    VENV,
    caching_bytecode,
    pytest_command,
    runs_everything,
    venv_bin,
    versions_report,
)

STAMP = VENV / "requirements.sha256"
NODE_LOCK = ROOT / "package-lock.json"
NODE_STAMP = ROOT / "node_modules" / "package-lock.sha256"
ADDRESS = "127.0.0.1:8000"


def ensure_environment() -> None:
    """(Re)create .venv with exactly requirements.txt, unless it already has it."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes() + sys.version.encode()).hexdigest()
    if venv_bin("python").exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    # From scratch: a package dropped from requirements.txt must not linger.
    print(f"Creating {VENV.relative_to(ROOT)} for Python {sys.version.split()[0]} ...", flush=True)
    venv.create(VENV, with_pip=True, clear=True)
    print(f"Installing {REQUIREMENTS.name} ...", flush=True)
    pip = [str(venv_bin("python")), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "-r", str(REQUIREMENTS)], check=True)
    subprocess.run([*pip, "check"], check=True)
    STAMP.write_text(wanted)


def ensure_node_tools() -> None:
    """Install the pinned Node tools (Lighthouse) with `npm ci`, unless they are already installed.

    Without npm the Lighthouse tests skip and say so (CI makes that a failure).
    """
    if shutil.which("npm") is None:
        print("npm not found: the Lighthouse tests will skip (install Node.js 20 and npm to run them)")
        return
    wanted = hashlib.sha256(NODE_LOCK.read_bytes()).hexdigest()
    if NODE_STAMP.exists() and NODE_STAMP.read_text() == wanted:
        return
    print(f"Installing {NODE_LOCK.name} with npm ci ...", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True)
    NODE_STAMP.write_text(wanted)


def ensure_latest_environment() -> Path:
    """A fresh .venv-latest with the newest release of each package requirements.in names; its python."""
    print(f"Creating {LATEST_VENV.relative_to(ROOT)} with the newest releases ...", flush=True)
    venv.create(LATEST_VENV, with_pip=True, clear=True)
    python = LATEST_VENV / "bin" / "python"
    pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--upgrade", "-r", str(ROOT / "requirements.in")], check=True)
    subprocess.run([*pip, "check"], check=True)
    frozen = subprocess.run([*pip, "freeze"], check=True, capture_output=True, text=True).stdout
    LATEST_REPORT.mkdir(exist_ok=True)
    (LATEST_REPORT / "versions.txt").write_text(frozen)
    print(versions_report(pinned_requirements(), pinned_requirements(LATEST_REPORT / "versions.txt")))
    return python


def serve_command(extra: list[str]) -> list[str]:
    return [str(venv_bin("mkdocs")), "serve", "--dev-addr", ADDRESS, *extra]


def replace_process(command: list[str]) -> NoReturn:
    """Become `command`: signals sent to this process then reach it, and nothing is left orphaned."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)


def serve(options: argparse.Namespace, extra: list[str]) -> NoReturn:
    replace_process(serve_command(extra))


def test(options: argparse.Namespace, extra: list[str]) -> NoReturn:
    # Only the whole suite and the browser tier audit with Lighthouse: a subset never runs npm ci.
    if runs_everything(extra, quick=options.quick, topic=options.topic) or options.tier == NODE_TIER:
        ensure_node_tools()
    python = str(ensure_latest_environment()) if options.latest else None
    changed = None
    if options.quick and not options.all_topics:
        changes = changed_topics()
        print(changes.describe(), flush=True)
        changed = changes.topics
    command = pytest_command(
        extra,
        quick=options.quick,
        topic=options.topic,
        latest=options.latest,
        python=python,
        changed=changed,
        tier=options.tier,
    )
    environment = caching_bytecode(dict(os.environ))
    os.environ.clear()
    os.environ.update(environment)
    replace_process(command)


COMMANDS = {"serve": serve, "test": test}


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Arguments after the command go to mkdocs serve or pytest, e.g. `test -k hello --no-cov`.",
    )
    parser.add_argument(
        "command", choices=COMMANDS, help=f"serve: the site at http://{ADDRESS}; test: the whole suite"
    )
    selection = parser.add_mutually_exclusive_group()
    selection.add_argument(
        "--quick",
        action="store_true",
        help="test: the edit loop (in process: contracts, tables, a little generated input, the built "
        "site, lint, coverage); no real servers, browser, benchmark or scaffold",
    )
    parser.add_argument(
        "--all-topics",
        action="store_true",
        help="test --quick: every topic, not only those changed against the default branch",
    )
    selection.add_argument(
        "--topic",
        metavar="NAME",
        help="test: one topic end to end (snippets/NAME), with the site checks and coverage of that topic",
    )
    selection.add_argument(
        "--tier",
        choices=TIER_JOBS,
        help="test: one tier of the whole suite, as a parallel CI job runs it (tests/support/tiers.py); "
        "coverage is measured in the in-process tier only",
    )
    selection.add_argument(
        "--latest",
        action="store_true",
        help="test: the suite but the benchmark against the newest releases of requirements.in, in "
        ".venv-latest (.venv is left alone); prints the versions, writes latest-run/",
    )
    options, extra = parser.parse_known_args(argv)
    if options.command != "test" and (options.quick or options.topic or options.latest or options.tier):
        parser.error("--quick, --topic, --tier and --latest go with the test command")
    if options.all_topics and not options.quick:
        parser.error("--all-topics goes with test --quick")
    if options.topic is not None and (problem := topic_problem(options.topic)):
        parser.error(f"--topic {options.topic}: {problem}")
    return options, extra


def main(argv: list[str]) -> NoReturn:
    options, extra = parse_args(argv)
    if sys.version_info < (3, 11):  # noqa: UP036 - this check is for people running an older python
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    try:
        if not options.latest:  # which builds its own environment
            ensure_environment()
        os.chdir(ROOT)
        COMMANDS[options.command](options, extra)
    except subprocess.CalledProcessError as error:
        sys.exit(
            f"Setting up failed: {' '.join(error.cmd)} exited with {error.returncode}; see its output above."
        )


if __name__ == "__main__":
    main(sys.argv[1:])
