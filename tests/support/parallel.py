"""The quick loop on both cores: pytest-xdist's workers, the site checks on one of them, one report.

`scripts/dev.py test --quick` runs its tests in two worker processes
(harness/suite.py's `parallel_options`): they need nothing but a Python
process, and one process left the second core to the site build alone. Three
rules keep two workers as cheap and as informative as one process:

- The controller, which runs no test, builds the site from the start, while
  the workers start and collect: the build keeps a core busy whenever a
  worker waits on a test that sleeps. It hands the built site (served from
  the controller) to the workers through a small file (`publish_when_built`).
- The tests that need the build are handed out as one unit
  (SiteChecksTogether), in their place in the run, so one worker parses the
  pages once, by then long built; the other tests go one by one.
- Each worker sends its share of the closing report (the site report's lines,
  its CPU seconds) to the controller, which prints one report.

Outside xdist every function here is a no-op, so the whole suite, --topic and
--tier run in one process as before.
"""

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pytest
from xdist.scheduler import LoadScopeScheduling

from harness.site_build import Build, BuildFailed

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
    """xdist's scheduling of single tests, except that the site checks are one unit.

    xdist's own `--dist loadgroup` would do this from an `xdist_group` mark, but
    it marks the group in the test's node ID, which pytest 9.2 no longer lets a
    plugin change: the tests are silently spread (pytest-xdist issue #1386).
    So the unit is chosen from the node ID instead, by module, and handed out
    where its first test stands in the run.
    """

    def _split_scope(self, nodeid: str) -> str:
        return scope_of(nodeid)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: never called without xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """SiteChecksTogether for `-n N` with xdist's default distribution (`--dist load`), the units in the
    run's order (xdist would hand out the largest first: the site checks, before their build is done)."""
    if config.getvalue("dist") != "load":
        return None
    config.option.loadscopereorder = False
    return SiteChecksTogether(config, log)


# Where the controller's build is described for the workers, in xdist's workerinput.
PUBLISHED = "site_build"
PUBLISHED_PATH = pytest.StashKey[Path]()
PUBLISH_TIMEOUT = 900  # seconds a worker waits for the controller's build, as long as for its own
BUILD_CPU = pytest.StashKey[float]()  # CPU seconds of the controller's build


def publish_when_built(config: pytest.Config, folder: Path, built: Callable[[], Build]) -> Callable[[], None]:
    """In the controller: the work that writes `built()` (or why it failed) where the workers read it.

    Call before the workers start: the file's path goes to each in its workerinput.
    """
    path = config.stash[PUBLISHED_PATH] = folder / "site-build.json"

    def publish() -> None:
        try:
            build = built()
            described = {**asdict(build), "site": str(build.site)}
        except Exception as error:  # every failure is the workers' to report
            described = {"error": str(error)}
        # The workers, this process's other children, are still running: what its reaped children
        # used so far is the build's (and dev.py's few git calls before it became pytest).
        times = os.times()
        config.stash[BUILD_CPU] = times.children_user + times.children_system
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(described))
        partial.replace(path)

    return publish


@pytest.hookimpl(optionalhook=True)  # an xdist hook: in the controller, as each worker is set up
def pytest_configure_node(node) -> None:
    if (path := node.config.stash.get(PUBLISHED_PATH, None)) is not None:
        node.workerinput[PUBLISHED] = str(path)


def published_build(config: pytest.Config) -> Build | None:
    """In a worker: the controller's build, once it is done; None where the controller builds none."""
    if not is_worker(config) or PUBLISHED not in config.workerinput:
        return None
    path = Path(config.workerinput[PUBLISHED])
    deadline = time.monotonic() + PUBLISH_TIMEOUT
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the controller's site build did not finish in {PUBLISH_TIMEOUT} s")
        time.sleep(0.05)
    described = json.loads(path.read_text())
    if "error" in described:
        raise BuildFailed(described["error"])
    return Build(**{**described, "site": Path(described["site"])})


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


def controller_cpu(config: pytest.Config) -> float:
    """In the controller: the CPU seconds it used itself, and its site build's."""
    times = os.times()
    return times.user + times.system + config.stash.get(BUILD_CPU, 0.0)
