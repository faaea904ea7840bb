"""The tiers (tests/support/tiers.py): markers on the tests; --quick and --topic keep what they promise."""

import ast
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness import postgres
from harness.project import ROOT, TESTS
from harness.suite import (
    COVERAGE_WITHOUT_SERVICES,
    IN_PROCESS_TIER,
    PYCACHE,
    SERVICE_ONLY_SNIPPETS,
    TIER_JOBS,
    caching_bytecode,
    coverage_without_services,
    parallel_options,
    pytest_command,
    runs_everything,
)
from support.tiers import RUN_ORDER, SITE_CHECKS, TIERS, module_tiers, selected, tiers_of

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover


def fake_item(module: str, name: str, fixtures=(), marks=(), **params):
    """What the tier functions read of a pytest item."""
    return SimpleNamespace(
        path=Path(TESTS / module),
        name=name,
        fixturenames=list(fixtures),
        callspec=SimpleNamespace(params=params),
        iter_markers=lambda: [SimpleNamespace(name=mark) for mark in marks],
    )


@pytest.mark.parametrize("module", SITE_CHECKS)
def test_every_module_named_exists(module):
    assert (TESTS / module).is_file()


def test_a_tier_is_the_marker_a_test_carries():
    assert tiers_of(fake_item("test_brand_new.py", "test_x", marks=["timing", "parametrize"])) == ["timing"]


def test_a_test_that_uses_the_server_pool_is_in_the_servers_tier_unmarked():
    assert tiers_of(fake_item("test_brand_new.py", "test_x", fixtures=["served"])) == ["servers"]
    assert tiers_of(fake_item("test_brand_new.py", "test_x")) == []


def test_quick_keeps_only_untiered_tests():
    items = [
        fake_item("test_contracts.py", "test_page_shows_what_the_app_answers"),
        fake_item("test_brand_new.py", "test_x", fixtures=["server_pool"]),
        fake_item("test_brand_new.py", "test_y", marks=["slow"]),
    ]
    assert selected(items, quick=True, topic=None) == items[:1]


def test_a_per_topic_check_runs_under_its_topic_only():
    hello, auth = SimpleNamespace(topic="hello"), SimpleNamespace(topic="auth")
    items = [
        fake_item("test_type_check.py", "test_mypy[hello]", marks=["per_topic"], topic=hello),
        fake_item("test_type_check.py", "test_mypy[auth]", marks=["per_topic"], topic=auth),
    ]
    assert selected(items, quick=False, topic="hello") == items[:1]
    assert selected(items, quick=False, topic=None) == []
    assert selected(items, quick=True, topic=None) == []


def test_topic_keeps_its_tests_and_the_site_checks():
    hello = SimpleNamespace(topic="hello")
    items = [
        fake_item("test_contracts.py", "test_page_shows_what_the_app_answers", app=hello),
        fake_item(
            "test_contracts.py", "test_page_shows_what_the_app_answers", app=SimpleNamespace(topic="auth")
        ),
        fake_item("test_hello.py", "test_own"),
        fake_item("test_site.py", "test_strict_build_passes"),
        fake_item("test_browser.py", "test_page", app=hello, marks=["browser"]),
    ]
    assert selected(items, quick=False, topic="hello") == [items[0], items[2], items[3]]


@pytest.mark.parametrize(
    ("source", "tiers"),
    [
        ("pytestmark = pytest.mark.browser\n", {"browser"}),
        ("pytestmark = [pytest.mark.slow, pytest.mark.no_cover]\n", {"slow"}),
        ("pytestmark = pytest.mark.no_cover\n", set()),
        ("import pytest\n", set()),
    ],
)
def test_a_modules_tiers_are_read_without_importing_it(tmp_path, source, tiers):
    """--quick skips importing a module whose pytestmark puts every test in a tier."""
    module = tmp_path / "test_module.py"
    module.write_text(source)
    assert module_tiers(module) == tiers


def tier_marks(decorators: list[ast.expr]) -> set[str]:
    names = {ast.unparse(decorator).removeprefix("pytest.mark.") for decorator in decorators}
    return names & set(TIERS)


def test_every_test_that_starts_servers_itself_is_in_a_tier():
    """A test calling running_servers (itself or through a helper of its module), not the pool, must
    carry a tier marker, on itself or its module, or its servers would start in the quick loop."""
    starting = []
    for path in sorted(set(TESTS.glob("test_*.py")) - {Path(__file__)}):
        functions = [node for node in ast.parse(path.read_text()).body if isinstance(node, ast.FunctionDef)]
        starters = {"running_servers"} | {
            node.name for node in functions if "running_servers(" in ast.unparse(node)
        }
        for node in functions:
            body = ast.unparse(node)
            if node.name.startswith("test_") and any(f"{name}(" in body for name in starters):
                starting.append(f"{path.name}::{node.name}")
                if not (module_tiers(path) or tier_marks(node.decorator_list)):
                    pytest.fail(f"{path.name}::{node.name} starts servers and has no tier marker")
    assert len(starting) >= 3, f"fewer tests start servers than expected: {starting}"


@pytest.mark.parametrize(
    ("extra", "options", "everything"),
    [
        ([], {}, True),
        (["-x", "--no-cov", "-p", "no:randomly"], {}, True),
        (["--junitxml", "report.xml"], {}, True),
        ([], {"quick": True}, False),
        ([], {"topic": "hello"}, False),
        (["tests/test_contracts.py"], {}, False),
        (["-k", "hello"], {}, False),
        (["-khello"], {}, False),
        (["--deselect", "tests/test_site.py::test_x"], {}, False),
    ],
)
def test_only_a_run_of_everything_counts_as_the_whole_suite(extra, options, everything):
    """dev.py installs the Node tools (npm ci) only for a run of everything: a subset never does."""
    assert runs_everything(extra, **options) is everything


@pytest.mark.parametrize("options", [{}, {"quick": True}, {"topic": "hello"}, {"latest": True}])
def test_a_test_path_after_the_command_selects_that_path(options):
    """A bare --cov would take the path as its source and run the whole suite."""
    command = pytest_command(["tests/test_tiers.py", "--no-cov"], **options, python="python")
    sources = [part for part in command if part.startswith("--cov") and not part.startswith("--cov-config=")]
    assert all(part.startswith("--cov=") for part in sources if part != "--no-cov")
    assert command[command.index("tests/test_tiers.py") - 1] != "--cov"


def test_quick_with_changed_topics_keeps_theirs_and_the_tests_about_no_topic():
    items = [
        fake_item("test_hello.py", "test_a"),
        fake_item("test_routing.py", "test_b"),
        fake_item("test_site.py", "test_c"),
        fake_item("test_hello.py", "test_d", marks=["servers"]),
    ]
    assert selected(items, quick=True, topic=None, only=frozenset({"hello"})) == [items[0], items[2]]
    assert selected(items, quick=True, topic=None, only=None) == items[:3]


def test_quick_with_changed_topics_measures_their_coverage_only():
    command = pytest_command([], quick=True, changed=frozenset({"routing", "hello"}), python="python")
    assert command[3:] == [
        "--quick",
        "--changed-topics=hello,routing",
        "--cov=snippets/hello",
        "--cov=snippets/routing",
        f"--cov-config={COVERAGE_WITHOUT_SERVICES}",
        *parallel_options([]),
    ]


@pytest.mark.parametrize(
    "options, postgresql, leaves_out",
    [
        ({}, True, False),  # the whole run: the migration tools' files are measured
        ({"topic": "migrations"}, True, False),
        ({"quick": True}, True, True),
        ({"tier": IN_PROCESS_TIER}, True, True),
        ({}, False, True),  # no PostgreSQL: its tests skip, so its files are not asked for
    ],
)
def test_runs_without_postgresql_tests_leave_the_service_only_files_out(
    options, postgresql, leaves_out, monkeypatch
):
    monkeypatch.setattr(postgres, "installed", lambda: postgresql)
    command = pytest_command([], **options, python="python")
    assert (f"--cov-config={COVERAGE_WITHOUT_SERVICES}" in command) is leaves_out


def test_the_coverage_without_services_is_pyprojects_with_more_omitted(tmp_path):
    written = coverage_without_services(output=tmp_path / "coverage.toml")
    settings = tomllib.loads(written.read_text())["tool"]["coverage"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["coverage"]
    assert settings["run"]["omit"] == [*project["run"]["omit"], *SERVICE_ONLY_SNIPPETS]
    assert {**settings["run"], "omit": project["run"]["omit"]} == project["run"]
    assert settings["report"] == project["report"]


def test_the_tier_jobs_are_the_run_order_but_the_per_topic_checks():
    assert tuple(tier or IN_PROCESS_TIER for tier in RUN_ORDER if tier != "per_topic") == TIER_JOBS


def test_tier_keeps_each_test_in_the_tier_of_its_slowest_marker():
    items = [
        fake_item("test_hello.py", "test_a"),
        fake_item("test_hello.py", "test_b", marks=["servers"]),
        fake_item("test_hello.py", "test_c", marks=["servers", "timing"]),
        fake_item("test_hello.py", "test_d", marks=["per_topic"]),
    ]
    assert selected(items, quick=False, topic=None, tier="in-process") == items[:1]
    assert selected(items, quick=False, topic=None, tier="servers") == items[1:2]
    assert selected(items, quick=False, topic=None, tier="timing") == items[2:3]
    whole = [item for tier in TIER_JOBS for item in selected(items, quick=False, topic=None, tier=tier)]
    assert sorted(whole, key=items.index) == selected(items, quick=False, topic=None)


@pytest.mark.parametrize(
    "environment, expected",
    [
        ({"PATH": "/bin"}, {"PATH": "/bin"}),  # Python's default: __pycache__ beside the sources
        (
            {"PATH": "/bin", "PYTHONDONTWRITEBYTECODE": "1"},
            {"PATH": "/bin", "PYTHONPYCACHEPREFIX": str(PYCACHE)},
        ),
        (  # a cache the contributor chose stays theirs
            {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": "/elsewhere"},
            {"PYTHONPYCACHEPREFIX": "/elsewhere"},
        ),
    ],
)
def test_the_test_run_caches_bytecode_outside_the_sources_where_told_not_to_write_it(environment, expected):
    assert caching_bytecode(environment) == expected


@pytest.mark.parametrize(
    "extra, workers, expected",
    [
        ([], 2, ["-n", "2"]),
        ([], 1, []),  # one core: one process
        (["--pdb"], 2, []),  # a debugger needs the tests in this process
        (["-p", "no:xdist"], 2, []),
        (["-n", "4"], 2, []),  # the contributor's own choice
        (["--no-cov", "-k", "hello"], 2, ["-n", "2"]),
    ],
)
def test_the_quick_loop_runs_on_two_workers_unless_told_otherwise(extra, workers, expected):
    assert parallel_options(extra, workers) == expected
