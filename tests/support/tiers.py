"""The tiers: which tests need more than the test process, and what --quick and --topic keep.

A test joins a tier by its marker, written on the test (`@pytest.mark.timing`)
or on its module (`pytestmark = pytest.mark.browser`); TIERS declares the
markers and what each needs. A test that uses the server pool is in the
`servers` tier whether it says so or not, so a new real-server test cannot
slip into the quick loop.
"""

import ast
from pathlib import Path

from harness.project import topics
from harness.suite import IN_PROCESS_TIER

# marker -> what the tests carrying it need; --quick leaves them all out.
TIERS = {
    "servers": "start real servers (uvicorn, gunicorn, Flask's) on 127.0.0.1",
    "timing": "time concurrent requests against real servers",
    "browser": "drive Chromium (Playwright, axe-core, Lighthouse)",
    "bench": "run the benchmark pipeline with wrk",
    "slow": "build with Zensical, or run other programs for several seconds",
    "scaffold": "scaffold a topic in a copy of the project and test it there",
    "per_topic": "check one topic where the whole run checks all at once (only --topic runs them)",
}
# The order the tiers run in: what this process does alone first, while the
# background lane (tests/support/background.py) builds and audits on the other
# core; then real servers and timings; the browser, which keeps both cores
# busy, last.
RUN_ORDER = ("", "per_topic", "slow", "servers", "timing", "bench", "scaffold", "browser")
# Checks of the whole site that --topic runs too: a new page must build and be tested.
SITE_CHECKS = ("test_site.py", "test_hosting.py", "test_lint.py")
LEFT_OUT_OF_A_TOPIC = ("bench", "browser", "slow", "scaffold")
# Fixtures that start real servers (harness/servers.py).
SERVER_FIXTURES = {"served", "server_pool"}


def tiers_of(item) -> list[str]:
    """The tiers an item is in: its tier markers (its own and its module's), and `servers` if it uses
    the server pool."""
    tiers = list(dict.fromkeys(mark.name for mark in item.iter_markers() if mark.name in TIERS))
    if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())) and "servers" not in tiers:
        tiers.append("servers")
    return tiers


def module_tiers(path: Path) -> set[str]:
    """The tiers a test module's `pytestmark` puts all its tests in, read without importing it.

    Under --quick a module whose every test is left out is not imported at
    all: Playwright, matplotlib and the rest cost the edit loop seconds.
    """
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError, UnicodeDecodeError):
        return set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytestmark" for t in node.targets):
            marks = node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [node.value]
            return {mark.attr for mark in marks if isinstance(mark, ast.Attribute)} & set(TIERS)
    return set()


def topics_of(item) -> set[str]:
    """The topics a test is about: its module's, or those of the apps, exchanges or rows it is given."""
    found = set()
    if item.path.name.startswith("test_") and item.path.stem.removeprefix("test_") in _TOPICS:
        found.add(item.path.stem.removeprefix("test_"))
    for value in getattr(getattr(item, "callspec", None), "params", {}).values():
        for candidate in (value, getattr(value, "app", None)):
            topic = getattr(candidate, "topic", None)
            if isinstance(topic, str):
                found.add(topic)
    return found


_TOPICS = set(topics())


def run_rank(item) -> int:
    """Where an item runs in the whole suite: by RUN_ORDER of its slowest tier."""
    return max((RUN_ORDER.index(tier) for tier in tiers_of(item)), default=0)


def tier_of(item) -> str:
    """The one tier an item counts in, for --tier and the CPU report: its slowest, or in-process."""
    return max(tiers_of(item), key=RUN_ORDER.index, default="") or IN_PROCESS_TIER


def selected(
    items: list, quick: bool, topic: str | None, only: frozenset[str] | None = None, tier: str | None = None
) -> list:
    """The items --quick, --topic NAME or --tier NAME keeps; with none, all but the per-topic checks,
    whose whole-run counterparts check every topic at once. Under --quick, `only` (--changed-topics)
    keeps the tests about those topics and every test about none."""
    if tier is not None:
        return [item for item in items if tier_of(item) == tier]
    if quick:
        return [
            item
            for item in items
            if not tiers_of(item) and (only is None or not topics_of(item) or topics_of(item) & only)
        ]
    if topic is not None:
        return [
            item
            for item in items
            if not set(tiers_of(item)) & set(LEFT_OUT_OF_A_TOPIC)
            and (topic in topics_of(item) or (item.path.name in SITE_CHECKS and not topics_of(item)))
        ]
    return [item for item in items if "per_topic" not in tiers_of(item)]
