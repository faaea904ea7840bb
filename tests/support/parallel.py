"""The quick loop on both cores: pytest-xdist's workers, the site checks on one of them, one report.

`scripts/dev.py test --quick` runs its tests in two worker processes
(harness/suite.py's `parallel_options`): they need nothing but a Python
process, and one process left the second core to the site build alone. Three
rules keep two workers as cheap and as informative as one process:

- The tests that need the site build are handed out as one unit
  (SiteChecksTogether), so one worker builds the site and parses its pages,
  once, starting at once; the other tests are handed out one by one.
- A worker queues no build up front (it cannot know it will get that unit):
  the unit's first test starts the build, and waits on it while the build
  uses the core.
- Each worker sends its share of the closing report (the site report's lines,
  its builds, its CPU seconds) to the controller, which prints one report.

Outside xdist every function here is a no-op, so the whole suite, --topic and
--tier run in one process as before.
"""

import pytest
from xdist.scheduler import LoadScopeScheduling

# The test modules whose tests use the site build (the `build` fixture, or a fixture using it);
# tests/test_parallel.py checks that no other module's do. They are one unit of work, SITE_GROUP.
BUILD_MODULES = ("test_site.py", "test_hosting.py")
SITE_GROUP = "the site checks"
# The key a worker's share of the report travels under, in xdist's workeroutput.
OUTPUT = "fastapi-vs-flask"
SHARES = pytest.StashKey[list[dict]]()


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def is_controller(config: pytest.Config) -> bool:
    """The xdist process that hands out tests and prints the report, but runs none itself."""
    return config.pluginmanager.has_plugin("dsession")


def in_workers(config: pytest.Config) -> bool:
    """Whether this run's tests are spread over xdist workers (seen from a worker or the controller)."""
    return is_worker(config) or is_controller(config)


def scope_of(nodeid: str) -> str:
    """The unit of work a test is handed out in: SITE_GROUP for the tests of BUILD_MODULES, else itself."""
    return SITE_GROUP if nodeid.split("::", 1)[0].rsplit("/", 1)[-1] in BUILD_MODULES else nodeid


class SiteChecksTogether(LoadScopeScheduling):
    """xdist's scheduling of single tests, except that the site checks are one unit, handed out first.

    xdist's own `--dist loadgroup` would do this from an `xdist_group` mark, but
    it marks the group in the test's node ID, which pytest 9.2 no longer lets a
    plugin change: the tests are silently spread (pytest-xdist issue #1386).
    So the unit is chosen from the node ID instead, by module. xdist hands out
    the largest unit first, so one worker starts on the site checks at once.
    """

    def _split_scope(self, nodeid: str) -> str:
        return scope_of(nodeid)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: never called without xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """SiteChecksTogether for `-n N` with xdist's default distribution (`--dist load`)."""
    return SiteChecksTogether(config, log) if config.getvalue("dist") == "load" else None


@pytest.hookimpl(tryfirst=True)  # before pytest-cov's, which starts the worker's own measurement
def pytest_sessionstart(session: pytest.Session) -> None:
    """In a worker, stop the measurement pytest-cov started before it knew it was in one.

    pytest-cov (7.1) reads the command line's `-n` as it loads and starts a
    controller's measurement in the worker too, then a worker's at session
    start on top of it. Coverage keeps the two as a stack: pausing the top one
    (for a `no_cover` test, or the `pages` fixture's parsing) resumes the
    one beneath, so those tests ran traced, three times slower, and every
    other test under two tracers' bookkeeping. The lower one's data is never
    sent to the controller, so stopping it loses nothing.
    """
    if not is_worker(session.config):
        return
    plugin = session.config.pluginmanager.getplugin("_cov")
    if (controller := getattr(plugin, "cov_controller", None)) is not None:
        controller.cov.stop()


def send(config: pytest.Config, name: str, value) -> None:
    """In a worker, hand `value` (plain data: dicts, lists, str, numbers) to the controller as `name`."""
    if is_worker(config):
        config.workeroutput.setdefault(OUTPUT, {})[name] = value


def shares(config: pytest.Config, name: str) -> list:
    """What each worker sent as `name`, in the controller; nothing anywhere else."""
    return [share[name] for share in config.stash.get(SHARES, []) if name in share]


@pytest.hookimpl(optionalhook=True)  # an xdist hook: without xdist installed it is never called
def pytest_testnodedown(node, error) -> None:
    output = getattr(node, "workeroutput", {}).get(OUTPUT)
    if output is not None:
        node.config.stash.setdefault(SHARES, []).append(output)
