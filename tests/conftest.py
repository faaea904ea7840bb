"""What every test shares: the tiers and selections, simulated I/O, Hypothesis profiles, the one site build.

Tiers. Every test that needs more than this process (real servers, timings,
Chromium, wrk, a copy of the project) carries a marker, written on the test
or its module; tests/support/tiers.py declares them. `--quick` leaves all of
them out: what remains is the edit loop (in-process contracts and tables, generated input at a small
Hypothesis profile, inline examples, the strict build with its census and link
check, lint, and coverage of snippets/). `--topic NAME` runs everything about
one topic plus the site checks. `scripts/dev.py test` with neither runs it all.
"""

import atexit
import contextlib
import importlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

import coverage
import pytest
from hypothesis import HealthCheck, settings

from harness.project import topic_problem
from harness.site_build import BUILDS, Build, build_for, builds_summary, served_folder
from harness.tools import missing, tools_required
from support.background import Lane
from support.browser import lighthouse_audits
from support.scaffold import scaffold_and_check
from support.site import REPO_URL, SITE_SUBPATH, build_copy_with_zensical, read_pages
from support.tiers import LEFT_OUT_OF_A_TOPIC, TIERS, module_tiers, run_rank, selected, tiers_of

pytest_plugins = ["pytester"]

# The I/O-wait examples sleep 2 s as in the article; 50 ms proves the same
# behaviour. Set before any snippet is imported, and inherited by real servers.
os.environ["SIMULATED_IO_SECONDS"] = "0.05"
# The database examples default to items.db in the working directory; tests
# keep their SQLite files out of the repository.
DATABASE_DIR = tempfile.mkdtemp(prefix="snippet-databases-")
atexit.register(shutil.rmtree, DATABASE_DIR, ignore_errors=True)
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE_DIR}/items.db"
# The async database example's file (both of its apps open it, each with its own driver), and a
# short /report query: the generated-input tests call it many times; the timed test sets its own.
os.environ["SQLITE_FILE"] = f"{DATABASE_DIR}/async_items.db"
os.environ["REPORT_ROWS"] = "1000"
# The uploads example writes into UPLOAD_FOLDER; keep test uploads out of /tmp/uploads.
os.environ["UPLOAD_FOLDER"] = tempfile.mkdtemp(prefix="snippet-uploads-")
atexit.register(shutil.rmtree, os.environ["UPLOAD_FOLDER"], ignore_errors=True)

settings.register_profile(
    "default",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# In CI the same examples every run, so a red build is reproducible.
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
# --quick and --topic: enough examples to catch a crash on an obvious input, in a second.
settings.register_profile("quick", parent=settings.get_profile("default"), max_examples=6)
# HYPOTHESIS_PROFILE=thorough digs deeper when a robust example changes.
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=3000)

# What --quick and --topic build without: the llms.txt plugin (mkdocs.yml).
QUICK_BUILD = {"LLMS_TXT": "false"}

REPORT_LINES = pytest.StashKey[list[str]]()


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


# A CI runner that times out sends SIGTERM: unwind as for Ctrl-C, so that
# fixtures stop the servers they started.
signal.signal(signal.SIGTERM, _interrupt)


def pytest_addoption(parser):
    group = parser.getgroup("fastapi-vs-flask", "selections (see tests/conftest.py)")
    group.addoption(
        "--quick",
        action="store_true",
        help=f"the edit loop: leave out the tests marked {', '.join(TIERS)}",
    )
    group.addoption(
        "--topic",
        metavar="NAME",
        help="one topic end to end (snippets/NAME): its contracts, tables, generated input, "
        "real servers and test module, plus the site checks",
    )


def pytest_configure(config):
    for marker, needs in TIERS.items():
        config.addinivalue_line("markers", f"{marker}: tests that {needs}")
    topic = config.getoption("topic")
    if topic is not None and (problem := topic_problem(topic)):
        raise pytest.UsageError(f"--topic {topic}: {problem}")
    if config.getoption("quick") or topic is not None:
        profile = "quick"
    else:
        profile = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
    settings.load_profile(profile)


def pytest_ignore_collect(collection_path, config):
    """Under --quick or --topic, a module whose every test is left out is not even imported.

    Importing Playwright, the benchmark and the rest costs seconds that the
    edit loop should not pay; the tests are left out either way.
    """
    left_out = (
        TIERS if config.getoption("quick") else LEFT_OUT_OF_A_TOPIC if config.getoption("topic") else ()
    )
    if collection_path.suffix == ".py" and module_tiers(collection_path) & set(left_out):
        return True
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "servers" in tiers_of(item) and not item.get_closest_marker("servers"):
            item.add_marker("servers")  # the server pool's users: in the tier without saying so
    items.sort(key=run_rank)
    keep = selected(items, quick=config.getoption("quick"), topic=config.getoption("topic"))
    if len(keep) < len(items):
        kept = {id(item) for item in keep}
        config.hook.pytest_deselected(items=[item for item in items if id(item) not in kept])
        items[:] = keep


# --update-examples is registered by the pytest-examples plugin (which also uses it to rewrite
# inline examples' #> lines); registering it here too would conflict, so this only reads it.
@pytest.fixture
def update_shown(request) -> bool:
    """True under --update-examples: rewrite shown responses instead of failing on them."""
    return bool(request.config.getoption("update_examples"))


@pytest.fixture
def reimport(monkeypatch):
    """Re-import an app's module under environment variables (None unsets one); restore it after."""
    reimported = []

    def reimport_app(app, **environment: str | None):
        for name, value in environment.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        reimported.append(app)
        return importlib.reload(app.module)

    yield reimport_app
    monkeypatch.undo()
    for app in reimported:
        importlib.reload(app.module)


@pytest.fixture(scope="session")
def report(request) -> list[str]:
    """Lines a test wants in the closing summary (census, build time)."""
    return request.config.stash.setdefault(REPORT_LINES, [])


@pytest.fixture(scope="session")
def require_tools(report):
    """Call with tool names (harness/tools.py): skip if one is missing, or fail under REQUIRE_TOOLS=1.

    Either way the site report says, once per tool, what is missing and how to install it.
    """

    def require(*names: str) -> None:
        problems = missing(*names)
        for problem in problems:
            if problem not in report:
                report.append(problem)
        if problems:
            (pytest.fail if tools_required() else pytest.skip)("; ".join(problems))

    return require


class Session:
    """What the run shares: the lane of background jobs, the served site folder, scratch folders.

    The site is served from the main thread (a server started from the lane's
    thread would be stopped when that thread ends); the build into it is the
    lane's first job, so it runs on the second core while this process
    collects and runs the first tests.
    """

    def __init__(self, config):
        self.config = config
        self.lane = Lane()
        self._stack = contextlib.ExitStack()
        self._scratch: list[Path] = []
        self.address: str | None = None

    def scratch(self, prefix: str) -> Path:
        folder = Path(tempfile.mkdtemp(prefix=prefix))
        self._scratch.append(folder)
        return folder

    def queue_build(self) -> None:
        root = self.scratch("served-site-")
        self.address = self._stack.enter_context(served_folder(root, SITE_SUBPATH))
        site_dir = root / SITE_SUBPATH
        site_dir.mkdir()
        environment = {"REPO_URL": REPO_URL, **build_environment(self.config)}
        self.lane.submit("build", lambda: build_for(site_dir, self.address, **environment))

    def queue_the_rest(self) -> None:
        """The whole suite's other slow subprocesses, in the order the tests need them."""
        self.lane.submit(
            "zensical", lambda: build_copy_with_zensical(self.scratch("zensical-"), self.address)
        )
        self.lane.submit("scaffold", lambda: scaffold_and_check(self.scratch("scaffold-")))
        self.lane.submit("lighthouse", lambda: lighthouse_audits(self.lane.result("build").address))

    def result(self, name: str, work):
        """A queued job's result, or `work()` run here if this run did not queue it."""
        return self.lane.result(name) if self.lane.queued(name) else work()

    def close(self) -> None:
        # Jobs not started are dropped and a running one is stopped (a run
        # that ends early, by Ctrl-C, SIGTERM or -x, must not leave them going).
        self.lane.close()
        self._stack.close()
        for folder in self._scratch:
            shutil.rmtree(folder, ignore_errors=True)


SESSION = pytest.StashKey[Session]()


def build_environment(config) -> dict[str, str]:
    quick = config.getoption("quick") or config.getoption("topic") is not None
    return QUICK_BUILD if quick else {}


def runs_the_whole_selection(config) -> bool:
    """The whole suite, --quick or --topic: no paths or -k given, so the site checks are selected."""
    return not (
        config.option.collectonly or config.option.keyword or config.args != config.getini("testpaths")
    )


def pytest_sessionstart(session):
    """Queue the build before collection (3 s here) when the site checks are sure to be selected,
    and in the whole suite the other slow subprocesses after it."""
    shared = session.config.stash[SESSION] = Session(session.config)
    if runs_the_whole_selection(session.config):
        shared.queue_build()
        if not (session.config.getoption("quick") or session.config.getoption("topic")):
            shared.queue_the_rest()


def pytest_collection_finish(session):
    shared = session.config.stash[SESSION]
    if session.config.option.collectonly or shared.lane.queued("build"):
        return
    if any({"build", "pages"} & set(getattr(item, "fixturenames", ())) for item in session.items):
        shared.queue_build()


def pytest_runtest_setup(item):
    """Timing tests measure elapsed time: let the background lane finish first, so no build or
    audit competes with them for the two cores."""
    if item.get_closest_marker("timing") and (shared := item.config.stash.get(SESSION, None)):
        shared.lane.wait_until_idle()


def pytest_sessionfinish(session):
    if (shared := session.config.stash.get(SESSION, None)) is not None:
        shared.close()


@pytest.fixture(scope="session")
def background(request) -> Session:
    """The run's shared Session: `background.result(name, work)` for a lane job's result."""
    return request.config.stash[SESSION]


@pytest.fixture(scope="session")
def build(background, report) -> Build:
    """The site as `mkdocs build --strict` builds it from the working tree, served (see Session)."""
    if not background.lane.queued("build"):  # asked for indirectly, not seen at collection
        background.queue_build()
    result = background.lane.result("build")
    report.append(f"mkdocs build --strict: {result.seconds:.2f} s")
    return result


@pytest.fixture(scope="session")
def pages(build):
    """Every built page, parsed once: {"index.html": soup, "topics/routing/index.html": soup, ...}."""
    measuring = coverage.Coverage.current()  # None without --cov
    if measuring is None:
        return read_pages(build.site)
    measuring.stop()  # parsing runs no snippet's code, and is twice as slow traced
    try:
        return read_pages(build.site)
    finally:
        measuring.start()


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(REPORT_LINES, [])
    if lines or BUILDS:
        terminalreporter.section("site report")
        for line in [*lines, builds_summary()]:
            terminalreporter.write_line(line)
