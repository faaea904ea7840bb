"""The quick loop on two workers (tests/support/parallel.py): the site checks on one, one report, and
coverage that really pauses."""

import os

import pytest

from harness.project import ROOT
from harness.site_build import Build, BuildFailed
from support.parallel import (
    BUILD_CPU,
    BUILD_MODULES,
    PUBLISHED,
    PUBLISHED_PATH,
    SITE_GROUP,
    publish_when_built,
    published_build,
    scope_of,
)
from support.tiers import tiers_of

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover


def test_only_the_site_modules_use_the_site_build_in_the_quick_loop(request):
    """A quick-loop test elsewhere that asks for the build would make the second worker build the site
    again. (The tiers --quick leaves out run in one process, which builds once for all of them.)"""
    elsewhere = [
        item.nodeid
        for item in request.session.items
        if "build" in getattr(item, "fixturenames", ())
        and item.path.name not in BUILD_MODULES
        and not tiers_of(item)
    ]
    assert elsewhere == [], f"move these to {' or '.join(BUILD_MODULES)}, or add their module there"


def test_the_site_checks_are_one_unit_and_every_other_test_goes_alone():
    assert scope_of("tests/test_site.py::test_census_finds_no_untested_block") == SITE_GROUP
    assert scope_of("tests/test_hosting.py::test_a[x-y]") == SITE_GROUP
    assert scope_of("tests/test_contracts.py::test_b[site]") == "tests/test_contracts.py::test_b[site]"


# A project of its own, run with two workers: where each test ran, and what the workers reported.
RECORDING = """
import os
from pathlib import Path

import pytest


def record(name):
    with Path(os.environ["RECORD"]).open("a") as record:
        record.write(f"{name} {os.environ['PYTEST_XDIST_WORKER']}\\n")
"""
CONFTEST = """
from support.parallel import send, shares


def pytest_sessionfinish(session):
    worker = getattr(session.config, "workerinput", {}).get("workerid", "the controller")
    send(session.config, "report", [f"a line from {worker}"])


def pytest_terminal_summary(terminalreporter, config):
    for lines in sorted(shares(config, "report")):
        terminalreporter.write_line(f"shared: {lines[0]}")
"""


def site_module(name: str) -> str:
    tests = "\n\n".join(f"def test_{n}():\n    record('{name}::{n}')" for n in range(4))
    return f"from recording import record\n\n\n{tests}\n"


def test_two_workers_keep_the_site_checks_together_and_report_as_one(pytester, tmp_path, monkeypatch):
    record = tmp_path / "record.txt"
    monkeypatch.setenv("RECORD", str(record))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), str(ROOT / "tests"), str(pytester.path)]))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # three processes: only the plugins it needs
    pytester.makepyfile(recording=RECORDING, conftest=CONFTEST)
    pytester.makepyfile(test_site=site_module("site"), test_hosting=site_module("hosting"))
    others = "\n\n".join(f"def test_{n}():\n    record('other::{n}')" for n in range(12))
    untraced = (
        "import sys\n\nimport pytest\n\n\n@pytest.mark.no_cover\n"
        "def test_untraced():\n    assert sys.gettrace() is None\n"
    )
    pytester.makepyfile(test_other=f"from recording import record\n\n\n{others}\n", test_untraced=untraced)
    result = pytester.runpytest_subprocess(
        "-p",
        "xdist",
        "-p",
        "pytest_cov",
        "-p",
        "support.parallel",
        "-p",
        "no:cacheprovider",
        "-n",
        "2",
        "--cov=.",
        "-o",
        "addopts=",
    )
    result.assert_outcomes(passed=21)
    ran = dict(line.split() for line in record.read_text().splitlines())
    site_workers = {worker for name, worker in ran.items() if not name.startswith("other")}
    assert len(site_workers) == 1, ran  # one unit: one worker built and checked the site
    assert set(ran.values()) == {"gw0", "gw1"}, ran  # and the other worker was not idle
    result.stdout.fnmatch_lines(["shared: a line from gw0", "shared: a line from gw1"])


class Config:
    """What the hand-over of the build reads of a pytest config: its stash, and a worker's input."""

    def __init__(self, **workerinput: str):
        self.stash = pytest.Stash()
        if workerinput:
            self.workerinput = workerinput


def handed_over(tmp_path, built) -> Build | None:
    controller = Config()
    publish_when_built(controller, tmp_path, built)()
    assert controller.stash[BUILD_CPU] >= 0  # for the CPU report: the build's seconds, known once done
    return published_build(Config(**{PUBLISHED: str(controller.stash[PUBLISHED_PATH])}))


def test_the_controllers_build_reaches_the_workers_as_it_was(tmp_path):
    build = Build("mkdocs", 0, "INFO - Documentation built", 4.2, tmp_path / "site", "http://127.0.0.1:1/x/")
    assert handed_over(tmp_path, lambda: build) == build
    assert published_build(Config()) is None  # outside a worker: the run builds for itself


def test_a_failed_build_fails_in_the_worker_with_its_output(tmp_path):
    def failed():
        raise BuildFailed("mkdocs build --strict failed:\nWARNING - a link to nowhere")

    with pytest.raises(BuildFailed, match="a link to nowhere"):
        handed_over(tmp_path, failed)
