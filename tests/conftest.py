"""Settings every test shares: short simulated I/O, Hypothesis profiles, the closing report."""

import atexit
import importlib
import os
import shutil
import signal
import tempfile

import pytest
from hypothesis import HealthCheck, settings

from support.site import build_site, read_pages

pytest_plugins = ["pytester"]

# The I/O-wait examples sleep 2 s as in the article; 50 ms proves the same
# behaviour. Set before any snippet is imported, and inherited by real servers.
os.environ["SIMULATED_IO_SECONDS"] = "0.05"
# The database examples default to items.db in the working directory; tests
# keep their SQLite files out of the repository.
DATABASE_DIR = tempfile.mkdtemp(prefix="snippet-databases-")
atexit.register(shutil.rmtree, DATABASE_DIR, ignore_errors=True)
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE_DIR}/items.db"

settings.register_profile(
    "default",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# In CI the same examples every run, so a red build is reproducible.
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
# HYPOTHESIS_PROFILE=thorough digs deeper when a robust example changes.
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))

REPORT_LINES = pytest.StashKey[list[str]]()


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


# A CI runner that times out sends SIGTERM: unwind as for Ctrl-C, so that
# fixtures stop the servers they started.
signal.signal(signal.SIGTERM, _interrupt)


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
def build(tmp_path_factory, report):
    """The site as `mkdocs build --strict` builds it from the repository (one build per run)."""
    result = build_site(tmp_path_factory.mktemp("site"))
    report.append(f"mkdocs build --strict: {result.seconds:.2f} s")
    return result


@pytest.fixture(scope="session")
def pages(build):
    assert build.returncode == 0, build.output
    return read_pages(build.site)


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(REPORT_LINES, [])
    if lines:
        terminalreporter.section("site report")
        for line in lines:
            terminalreporter.write_line(line)
