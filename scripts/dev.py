"""Set up the pinned environment, then serve the site or run the test suite.

This is the README's Quickstart: `python3.11 scripts/dev.py serve` and
`python3.11 scripts/dev.py test`. Both create .venv on first use and rebuild it
from scratch whenever requirements.txt or the Python running this script
changes, so what passes here is what passes on a fresh machine.

`test` runs everything (what CI runs); `test --quick` is the edit loop and
`test --topic NAME` checks one topic end to end (tests/conftest.py says what
each selects). `test --latest` runs the suite, except the benchmark, against
the newest releases of everything requirements.in names, in .venv-latest
(rebuilt on every run; .venv is left alone), and prints the versions it got:
the weekly workflow's check that the site still holds for the frameworks'
next releases. Once set up, this process replaces itself with mkdocs or
pytest, so a signal that stops the command stops the server or the tests too.

It uses only the standard library: it runs on the system Python before .venv
exists, which is why the repository root is found here and not imported from
scripts/paths.py.
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

ROOT = Path(__file__).resolve().parent.parent  # see the docstring
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / "requirements.sha256"
NODE_LOCK = ROOT / "package-lock.json"
NODE_STAMP = ROOT / "node_modules" / "package-lock.sha256"
ADDRESS = "127.0.0.1:8000"
LATEST_VENV = ROOT / ".venv-latest"
LATEST_REPORT = ROOT / "latest-run"  # junit.xml and versions.txt of the last --latest run
# Left out against the newest releases, each for its reason: the benchmark (slow, and its
# figures are measured with the pins), and the check that the installed versions are the pins.
# Named first in the report of the versions --latest installed.
HEADLINE_PACKAGES = ("fastapi", "starlette", "pydantic", "flask", "werkzeug", "uvicorn", "gunicorn")
LATEST_DESELECTED = ("tests/test_site.py::test_installed_versions_are_the_pinned_ones",)


def venv_bin(name: str) -> Path:
    return VENV / "bin" / name


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


def versions_report(pinned: dict[str, str], latest: dict[str, str]) -> str:
    """Which packages the newest releases change, pin -> newest, and how many stay the same."""
    changed = [
        f"  {name} {pinned[name]} -> {latest[name]}"
        for name in sorted(latest)
        if pinned.get(name, latest[name]) != latest[name]
    ]
    added = [f"  {name} {latest[name]} (not pinned)" for name in sorted(set(latest) - set(pinned))]
    same = len(latest) - len(changed) - len(added)
    headline = ", ".join(f"{name} {latest[name]}" for name in HEADLINE_PACKAGES if name in latest)
    lines = [
        f"Newest releases: {headline}.",
        f"{len(changed)} differ from requirements.txt, {same} are the pinned version.",
    ]
    return "\n".join([*lines, *changed, *added])


def pinned_requirements(path: Path = REQUIREMENTS) -> dict[str, str]:
    """requirements.txt as {distribution name, lowercase: version}."""
    pins = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def serve_command(extra: list[str]) -> list[str]:
    return [str(venv_bin("mkdocs")), "serve", "--dev-addr", ADDRESS, *extra]


def pytest_command(options: argparse.Namespace, extra: list[str], python: str | None = None) -> list[str]:
    """pytest with coverage of snippets/ (or of the one topic's folder under --topic), and the selection."""
    if options.topic is not None:
        selection = ["--topic", options.topic, f"--cov=snippets/{options.topic}"]
    elif options.latest:
        deselected = [option for test in LATEST_DESELECTED for option in ("--deselect", test)]
        junit = f"--junitxml={LATEST_REPORT / 'junit.xml'}"
        selection = ["--cov", "-m", "not bench", *deselected, junit]
    else:
        selection = ["--cov", *(["--quick"] if options.quick else [])]
    return [python or str(venv_bin("python")), "-m", "pytest", *selection, *extra]


def replace_process(command: list[str]) -> NoReturn:
    """Become `command`: signals sent to this process then reach it, and nothing is left orphaned."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)


def serve(options: argparse.Namespace, extra: list[str]) -> NoReturn:
    replace_process(serve_command(extra))


def test(options: argparse.Namespace, extra: list[str]) -> NoReturn:
    if not (options.quick or options.topic):  # only the full run audits with Lighthouse
        ensure_node_tools()
    python = str(ensure_latest_environment()) if options.latest else None
    replace_process(pytest_command(options, extra, python))


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
    selection.add_argument(
        "--topic",
        metavar="NAME",
        help="test: one topic end to end (snippets/NAME), with the site checks and coverage of that topic",
    )
    selection.add_argument(
        "--latest",
        action="store_true",
        help="test: the suite but the benchmark against the newest releases of requirements.in, in "
        ".venv-latest (.venv is left alone); prints the versions, writes latest-run/",
    )
    options, extra = parser.parse_known_args(argv)
    if options.command != "test" and (options.quick or options.topic or options.latest):
        parser.error("--quick, --topic and --latest go with the test command")
    if options.topic is not None and not (ROOT / "snippets" / options.topic).is_dir():
        topics = sorted(path.parent.name for path in (ROOT / "snippets").glob("*/__init__.py"))
        parser.error(
            f"--topic {options.topic}: there is no snippets/{options.topic}/; topics are: {', '.join(topics)}"
        )
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
