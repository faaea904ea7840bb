"""The test command, its selections and the report of the newest releases: standard library only.

`scripts/dev.py` builds the pytest command here before .venv exists; the
scaffold runs the same command in its copy of the project, and the weekly
workflow's report names the same versions.
"""

import json
import os
import tomllib
from pathlib import Path

from harness import postgres
from harness.project import ROOT

VENV = ROOT / ".venv"
LATEST_VENV = ROOT / ".venv-latest"
LATEST_REPORT = ROOT / "latest-run"  # junit.xml and versions.txt of the last --latest run
# Left out against the newest releases, each for its reason: the benchmark (slow, and its
# figures are measured with the pins), and the check that the installed versions are the pins.
LATEST_DESELECTED = ("tests/test_site.py::test_installed_versions_are_the_pinned_ones",)
# Named first in the report of the versions --latest installed.
HEADLINE_PACKAGES = ("fastapi", "starlette", "pydantic", "flask", "werkzeug", "uvicorn", "gunicorn")


# pytest options whose value is the next argument, among those a contributor passes to narrow a run.
OPTIONS_WITH_A_VALUE = ("-k", "-m", "--deselect", "-p", "--timeout", "--maxfail", "--junitxml")
NARROWING = ("-k", "-m", "--deselect", "--lf", "--last-failed", "--sw", "--stepwise")


# The tier of the tests that need nothing but this process (tests/support/tiers.py names the others).
IN_PROCESS_TIER = "in-process"
# The tier whose tests need the Node tools (Lighthouse).
NODE_TIER = "browser"
# --tier NAME: the whole suite in parts, one per CI job, in tests/support/tiers.py's RUN_ORDER.
TIER_JOBS = (IN_PROCESS_TIER, "slow", "servers", "timing", "bench", "scaffold", NODE_TIER)

# --quick runs on this many pytest-xdist workers (tests/support/parallel.py). Each worker collects
# the suite (about 6 s of CPU), and the worker with the site checks is busy about as long as the
# other runs the rest: two is what a 2-core machine gains from, and more would not shorten the run.
QUICK_WORKERS = min(2, os.cpu_count() or 1)
# Arguments that need the tests in this process (a debugger), or that choose the workers themselves.
ONE_PROCESS = ("--pdb", "--trace", "-n", "--numprocesses", "--dist")

# Snippet files that only tests with PostgreSQL run (the migration tools' folders, in the servers tier).
# A run that leaves those tests out (--quick, --tier in-process, or any run on a machine without
# PostgreSQL) leaves these files out of its coverage too; every other run measures them.
SERVICE_ONLY_SNIPPETS = ("snippets/migrations/alembic/*", "snippets/migrations/migrations/*")
COVERAGE_WITHOUT_SERVICES = ROOT / ".cache" / "coverage-without-services.toml"
# Where the test run caches compiled modules when the environment says not to write them beside the
# sources (caching_bytecode).
PYCACHE = ROOT / ".cache" / "pycache"


def coverage_without_services(
    pyproject: Path = ROOT / "pyproject.toml", output: Path = COVERAGE_WITHOUT_SERVICES
) -> Path:
    """pyproject.toml's coverage settings with SERVICE_ONLY_SNIPPETS omitted too: a file for --cov-config."""
    settings = tomllib.loads(pyproject.read_text())["tool"]["coverage"]
    run = settings["run"]
    settings["run"] = {**run, "omit": [*run.get("omit", []), *SERVICE_ONLY_SNIPPETS]}
    lines = []
    for section, values in settings.items():
        lines.append(f"[tool.coverage.{section}]")
        # Strings, numbers, booleans and lists of them: JSON writes each as TOML reads it.
        lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    output.parent.mkdir(exist_ok=True)
    output.write_text("\n".join(lines) + "\n")
    return output


def coverage_config(leaves_out_services: bool) -> list[str]:
    """The --cov-config a run needs: pyproject.toml's, unless it runs no test with PostgreSQL."""
    if leaves_out_services or not postgres.installed():
        return [f"--cov-config={coverage_without_services()}"]
    return []


def runs_everything(
    extra: list[str], *, quick: bool = False, topic: str | None = None, tier: str | None = None
) -> bool:
    """Whether a test command runs the whole suite, as CI does: no --quick or --topic, no test path,
    no -k, -m or other narrowing option among the arguments passed on to pytest."""
    if quick or topic is not None or tier is not None:
        return False
    arguments = iter(extra)
    for argument in arguments:
        if argument.startswith(NARROWING) or not argument.startswith("-"):
            return False  # a narrowing option, or a test path
        if argument in OPTIONS_WITH_A_VALUE:
            next(arguments, None)
    return True


def parallel_options(extra: list[str], workers: int = QUICK_WORKERS) -> list[str]:
    """xdist's options for the quick loop: its tests on `workers` processes (tests/support/parallel.py).

    None on one core, or when the arguments passed on to pytest debug (--pdb)
    or choose the workers (-n) themselves.
    """
    chosen = any(argument.startswith(ONE_PROCESS) for argument in extra)
    if workers < 2 or chosen or any(argument.endswith("no:xdist") for argument in extra):
        return []
    return ["-n", str(workers)]


def caching_bytecode(environment: dict[str, str]) -> dict[str, str]:
    """The environment for the test run: with bytecode cached in PYCACHE where PYTHONDONTWRITEBYTECODE
    would have it compiled afresh every time.

    Container images often set that variable, to keep __pycache__ folders out
    of their source trees. The test run would then compile every module it
    imports, and rewrite the test modules' asserts, in each of its processes
    on every run: about 2 s of CPU in each of the quick loop's three. A cache
    outside the source folders keeps them as clean as the setting asks.
    """
    if "PYTHONDONTWRITEBYTECODE" not in environment:
        return dict(environment)
    kept = {name: value for name, value in environment.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {"PYTHONPYCACHEPREFIX": str(PYCACHE), **kept}


def venv_bin(name: str, venv: Path = VENV) -> Path:
    return venv / "bin" / name


def pytest_command(
    extra: list[str] = (),
    *,
    quick: bool = False,
    topic: str | None = None,
    latest: bool = False,
    python: str | None = None,
    changed: frozenset[str] | None = None,
    tier: str | None = None,
) -> list[str]:
    """pytest with coverage of snippets/ (or of the one topic's folder under `topic`), and the selection.

    Under `quick`, `changed` names the topics to run in full (harness.changes): coverage is then
    measured on their folders alone, since the other topics' tests do not run.

    Always `--cov=SOURCE`: pytest-cov's `--cov` takes an optional value, so a
    bare one followed by a test path would measure that path and run everything.
    """
    if topic is not None:
        selection = ["--topic", topic, f"--cov=snippets/{topic}", *coverage_config(False)]
    elif tier is not None:
        # Coverage adds up to 100% only over the in-process tests: every other tier runs without it.
        if tier == IN_PROCESS_TIER:
            selection = ["--tier", tier, "--cov=snippets", *coverage_config(True)]
        else:
            selection = ["--tier", tier, "--no-cov"]
    elif latest:
        deselected = [option for test in LATEST_DESELECTED for option in ("--deselect", test)]
        junit = f"--junitxml={LATEST_REPORT / 'junit.xml'}"
        selection = ["--cov=snippets", *coverage_config(False), "-m", "not bench", *deselected, junit]
    elif quick and changed:
        names = sorted(changed)
        selection = [
            "--quick",
            f"--changed-topics={','.join(names)}",
            *(f"--cov=snippets/{n}" for n in names),
            *coverage_config(True),
            *parallel_options(extra),
        ]
    elif quick:
        selection = ["--cov=snippets", *coverage_config(True), "--quick", *parallel_options(extra)]
    else:
        selection = ["--cov=snippets", *coverage_config(False)]
    return [python or str(venv_bin("python")), "-m", "pytest", *selection, *extra]


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
