"""Which topics a change touches, against the default branch: what `dev.py test --quick` runs in full.

The quick loop's cost should follow the change, not the number of topics. A
file under `snippets/<topic>/`, `tests/test_<topic>.py`, or a topic page
(`docs/topics/*.md`, through the snippet files it includes) touches that
topic. Any other change (the harness, shared test support, mkdocs.yml, the
requirements, a non-topic page) may touch every topic, and so does a clone
with no default branch to compare with, or no change at all: then every
topic runs. Standard library only, like `harness.project`.
"""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .project import ROOT, topics

# The default branch, as a clone names it: origin/HEAD follows the remote's choice.
DEFAULT_BRANCHES = ("origin/HEAD", "origin/main", "origin/master")
INCLUDED = re.compile(r'--8<-- "([^"/]+)/')
TOPIC_PAGES = "docs/topics/"


@dataclass(frozen=True)
class Changes:
    """The topics to run in full (None: all of them), and why, for the run's first line."""

    topics: frozenset[str] | None
    reason: str

    def describe(self) -> str:
        if self.topics is None:
            return f"--quick: every topic ({self.reason})"
        return f"--quick: {', '.join(sorted(self.topics))} ({self.reason}); the site-wide checks run once"


def git(*args: str, root: Path = ROOT) -> str | None:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 else None


def default_branch(root: Path = ROOT) -> str | None:
    """The first of DEFAULT_BRANCHES this clone has."""
    for branch in DEFAULT_BRANCHES:
        if git("rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}", root=root) is not None:
            return branch
    return None


def changed_files(branch: str, root: Path = ROOT) -> list[str] | None:
    """Files that differ from where HEAD left `branch`, committed or not, and new files git doesn't ignore."""
    base = git("merge-base", "HEAD", branch, root=root)
    if base is None:
        return None
    changed = git("diff", "--name-only", base.strip(), root=root)
    untracked = git("ls-files", "--others", "--exclude-standard", root=root)
    if changed is None or untracked is None:
        return None
    return sorted(set(changed.split()) | set(untracked.split()))


def topics_of_file(path: str, known: list[str], root: Path = ROOT) -> set[str] | None:
    """The topics a changed file touches; None when it may touch every topic."""
    parts = path.split("/")
    if parts[0] == "snippets" and len(parts) > 2 and parts[1] in known:
        return {parts[1]}
    if (
        len(parts) == 2
        and parts[0] == "tests"
        and parts[1].removeprefix("test_").removesuffix(".py") in known
    ):
        return {parts[1].removeprefix("test_").removesuffix(".py")}
    if path.startswith(TOPIC_PAGES) and path.endswith(".md"):
        page = root / path
        if not page.exists():  # a page removed: its topics are not known any more
            return None
        included = set(INCLUDED.findall(page.read_text())) & set(known)
        return included or None
    return None


def changed_topics(root: Path = ROOT) -> Changes:
    """The topics this clone's changes touch against its default branch, or every topic, and why."""
    branch = default_branch(root)
    if branch is None:
        return Changes(None, f"no default branch to compare with ({', '.join(DEFAULT_BRANCHES)})")
    files = changed_files(branch, root)
    if files is None:
        return Changes(None, f"git could not compare with {branch}")
    if not files:
        return Changes(None, f"nothing differs from {branch}")
    known = topics(root / "snippets")
    found: set[str] = set()
    for path in files:
        touched = topics_of_file(path, known, root)
        if touched is None:
            return Changes(None, f"{path} changed, which any topic may use")
        found |= touched
    return Changes(frozenset(found), f"changed against {branch}")
