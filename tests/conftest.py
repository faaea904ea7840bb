"""What every test shares: the tiers and selections, simulated I/O, Hypothesis profiles, the one site build.

Tiers. Every test that needs more than this process (real servers, timings,
Chromium, wrk, a copy of the project) carries a marker, written on the test
or its module; tests/support/tiers.py declares them. `--quick` leaves all of
them out: what remains is the edit loop (in-process contracts and tables, generated input at a small
Hypothesis profile, inline examples, the strict build with its census and link
check, lint, and coverage of snippets/). `--topic NAME` runs everything about
one topic plus the site checks. `scripts/dev.py test` with neither runs it all.
"""

import importlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import coverage
import pytest
from hypothesis import HealthCheck, settings

from harness.postgres import running_postgres
from harness.project import topic_problem
from harness.redis import command as redis_command
from harness.redis import running_redis
from harness.site_build import BUILDS, Build, builds_summary
from harness.suite import TIER_JOBS
from harness.tools import missing, tools_required
from support import parallel
from support.background import Background
from support.jobs import SITE_BUILD, WHOLE_SUITE_JOBS
from support.migrations import MIGRATIONS_TOPIC, migrate_to_head
from support.parallel import is_controller, is_worker, publish_when_built, published_build, send, shares
from support.reads import READS, record_reads, unread_shown_files
from support.site import read_pages
from support.tiers import LEFT_OUT_OF_A_TOPIC, TIERS, module_tiers, run_rank, selected, tiers_of, topics_of

pytest_plugins = ["pytester", "support.cpu_report"]

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


def snippet_environment(scratch: Path) -> dict[str, str]:
    """What the examples run with under test, in process and under real servers (which inherit it).

    Set when the run is configured, before collection imports any snippet,
    and restored when it ends.
    """
    return {
        # The I/O-wait examples sleep 2 s as in the article; 50 ms proves the same behaviour.
        "SIMULATED_IO_SECONDS": "0.05",
        # The database examples default to items.db in the working directory: keep test files out.
        "DATABASE_URL": f"sqlite:///{scratch}/items.db",
        # The async database example's file (both of its apps open it, each with its own driver), and
        # a short /report query: generated input calls it many times; the timed test sets its own.
        "SQLITE_FILE": f"{scratch}/async_items.db",
        "REPORT_ROWS": "1000",
        # The uploads example writes into UPLOAD_FOLDER: keep test uploads out of /tmp/uploads.
        "UPLOAD_FOLDER": str(scratch / "uploads"),
        # The migrations examples: one file per app, each with its own revision history.
        "FASTAPI_DATABASE_URL": f"sqlite:///{scratch}/migrations_fastapi.db",
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/migrations_flask.db",
    }


SAVED = pytest.StashKey[tuple[Path, dict[str, str | None], object]]()


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_addoption(parser):
    group = parser.getgroup("fastapi-vs-flask", "selections (see tests/conftest.py)")
    group.addoption(
        "--quick",
        action="store_true",
        help=f"the edit loop: leave out the tests marked {', '.join(TIERS)}",
    )
    group.addoption(
        "--tier",
        choices=TIER_JOBS,
        help="one CI job's share of the whole suite: the tests whose slowest tier is NAME",
    )
    group.addoption(
        "--changed-topics",
        metavar="A,B",
        help="with --quick: run only these topics' tests, and every test that is about no topic "
        "(scripts/dev.py test --quick passes the topics changed against the default branch)",
    )
    group.addoption(
        "--topic",
        metavar="NAME",
        help="one topic end to end (snippets/NAME): its contracts, tables, generated input, "
        "real servers and test module, plus the site checks",
    )


def pytest_configure(config):
    # Registered here, not in pytest_plugins: this module imports it first, so pytest could not rewrite it.
    config.pluginmanager.register(parallel, "support.parallel")
    if runs_the_whole_suite(config):
        record_reads()  # which shown files the tests open (support/reads.py); only a whole run uses it
    scratch = Path(tempfile.mkdtemp(prefix="snippet-data-"))
    (scratch / "uploads").mkdir()
    environment = snippet_environment(scratch)
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    # A CI runner that times out sends SIGTERM: unwind as for Ctrl-C, so that
    # fixtures stop the servers they started.
    config.stash[SAVED] = (scratch, saved, signal.signal(signal.SIGTERM, _interrupt))
    for marker, needs in TIERS.items():
        config.addinivalue_line("markers", f"{marker}: tests that {needs}")
    topic = config.getoption("topic")
    if topic is not None and (problem := topic_problem(topic)):
        raise pytest.UsageError(f"--topic {topic}: {problem}")
    for name in changed_topics_option(config) or ():
        if problem := topic_problem(name):
            raise pytest.UsageError(f"--changed-topics {name}: {problem}")
    if config.getoption("quick") or topic is not None:
        profile = "quick"
    else:
        profile = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
    settings.load_profile(profile)


def pytest_unconfigure(config):
    if (saved := config.stash.get(SAVED, None)) is None:
        return
    scratch, environment, sigterm = saved
    signal.signal(signal.SIGTERM, sigterm)
    for name, value in environment.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(scratch, ignore_errors=True)


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


def changed_topics_option(config) -> frozenset[str] | None:
    value = config.getoption("changed_topics")
    return None if value is None else frozenset(filter(None, value.split(",")))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "servers" in tiers_of(item) and not item.get_closest_marker("servers"):
            item.add_marker("servers")  # the server pool's users: in the tier without saying so
    if config.getoption("update_examples"):
        # The tests that write shown files first, so that the site is built (on demand) from what they wrote.
        items.sort(key=lambda item: (run_rank(item), "update_shown" not in getattr(item, "fixturenames", ())))
    else:
        items.sort(key=run_rank)
    keep = selected(
        items,
        quick=config.getoption("quick"),
        topic=config.getoption("topic"),
        only=changed_topics_option(config),
        tier=config.getoption("tier"),
    )
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


@pytest.fixture(scope="module")
def postgres_cluster(require_tools):
    """A throwaway PostgreSQL on 127.0.0.1 for one test module (harness/postgres.py), always deleted."""
    require_tools("postgresql")
    with running_postgres() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def redis_server(require_tools):
    """A throwaway Redis on 127.0.0.1 for one test module (harness/redis.py), always stopped and deleted."""
    require_tools("redis")
    with running_redis() as server:
        yield server


@pytest.fixture
def redis_url(redis_server) -> Iterator[str]:
    """The module's Redis, emptied before and after each test: a job one test leaves behind would
    otherwise come back to the next test's worker."""
    assert redis_command(redis_server.port, "FLUSHALL") == "+OK"
    yield redis_server.url()
    assert redis_command(redis_server.port, "FLUSHALL") == "+OK"


BACKGROUND = pytest.StashKey[Background]()


def build_environment(config) -> dict[str, str]:
    quick = config.getoption("quick") or config.getoption("topic") is not None
    return QUICK_BUILD if quick else {}


def runs_the_whole_selection(config) -> bool:
    """The whole suite, --quick or --topic: no paths or -k given, so the site checks are selected."""
    return not (
        config.option.collectonly or config.option.keyword or config.args != config.getini("testpaths")
    )


def pytest_sessionstart(session):
    """Queue the site build before collection (3 s here) when the site checks are sure to be selected,
    and in the whole suite the other slow jobs after it. A run of a few tests queues a job when a test
    first asks for its result (`background.result(JOB)`)."""
    shared = session.config.stash[BACKGROUND] = Background(build_environment(session.config))
    # One tier's job (--tier) queues nothing: a test that needs a job's result runs it then. Nor does
    # --update-examples (a page may include a file its run has yet to write), nor an xdist worker: in a
    # run spread over workers the controller builds, and hands the build over (support/parallel.py).
    config = session.config
    up_front = not (config.getoption("tier") or config.getoption("update_examples") or is_worker(config))
    if runs_the_whole_selection(config) and up_front:
        shared.queue(SITE_BUILD)
        if is_controller(config):
            shared.lane.submit(
                "publish the build",
                publish_when_built(config, shared.scratch("publish-"), lambda: shared.result(SITE_BUILD)),
            )
        elif not (config.getoption("quick") or config.getoption("topic")):
            shared.queue(*WHOLE_SUITE_JOBS)


MIGRATED = pytest.StashKey[bool]()


def pytest_runtest_setup(item):
    """Timing tests measure elapsed time: let the background lane finish first, so no build or
    audit competes with them for the two cores.

    The migrations examples create no table themselves: their tools do, as a reader runs them before
    starting the server. So before this process's first test about that topic (and its fixtures,
    servers included), each app's database is brought to head; a process that runs none (a quick
    run's other worker, another topic) never pays for it.
    """
    if item.get_closest_marker("timing") and (shared := item.config.stash.get(BACKGROUND, None)):
        shared.wait_until_idle()
    if MIGRATIONS_TOPIC in topics_of(item) and not item.config.stash.get(MIGRATED, False):
        migrate_to_head(dict(os.environ))
        item.config.stash[MIGRATED] = True


UNREAD = pytest.StashKey[list[str]]()


def runs_the_whole_suite(config) -> bool:
    return runs_the_whole_selection(config) and not any(
        config.getoption(option) for option in ("quick", "topic", "tier")
    )


def pytest_sessionfinish(session):
    if (shared := session.config.stash.get(BACKGROUND, None)) is not None:
        shared.close()
    send(session.config, "report", session.config.stash.get(REPORT_LINES, []))
    send(session.config, "builds", [build.tool for build in BUILDS])
    # Only a whole run that passed has read all it reads: a subset or a failure proves nothing.
    whole = runs_the_whole_suite(session.config) and session.exitstatus == pytest.ExitCode.OK
    if whole and (unread := unread_shown_files(READS.opened)):
        session.config.stash[UNREAD] = unread
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def background(request) -> Background:
    """The run's background jobs: `background.result(JOB)` (tests/support/jobs.py) for one's result."""
    return request.config.stash[BACKGROUND]


@pytest.fixture(scope="session")
def build(request, background, report) -> Build:
    """The site as `mkdocs build --strict` builds it from the working tree, served under its subpath
    (in an xdist worker, the one the controller built and serves)."""
    result = published_build(request.config) or background.result(SITE_BUILD)
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
    if unread := config.stash.get(UNREAD, []):
        terminalreporter.section("shown files no test read", red=True)
        terminalreporter.write_line(
            "A page includes these, and no test opened them: nothing checks what they say. Read each "
            "in a test (a table through support.tables, a file the app serves through an exchange), "
            "or show it another way:"
        )
        for name in unread:
            terminalreporter.write_line(f"  {name}")
    # Under xdist the workers ran the tests: their lines and builds, each line once.
    shared = [line for share in shares(config, "report") for line in share]
    lines = list(dict.fromkeys([*config.stash.get(REPORT_LINES, []), *shared]))
    tools = [build.tool for build in BUILDS] + [tool for share in shares(config, "builds") for tool in share]
    if lines or tools:
        terminalreporter.section("site report")
        for line in [*lines, builds_summary(tools)]:
            terminalreporter.write_line(line)
