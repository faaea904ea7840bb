"""scripts/new_topic.py: a scaffolded topic passes the suite as generated, and bad input changes nothing.

The scaffold runs in a copy of the repository (the files git tracks or would
track, without .venv), and the suite then runs in that copy with this
interpreter, so the copy is tested exactly as a fresh clone would be. The copy
runs every test module except:

- tests/test_bench.py: it drives wrk against the benchmark's own two apps and
  never looks at topics, and it is the slowest module;
- tests/test_browser*.py and tests/test_lighthouse.py: they need Chromium,
  and the copy has no node_modules for Lighthouse (CI's REQUIRE_BROWSER=1
  would turn that into a failure); the suite's own run already drives the
  browser over every page;
- this module, which would recurse.

Everything that is parametrised over topics or checks the site runs: the
contracts in process and over sockets, generated input, the strict build and
its census, ruff, the scripts' --help, and the new tests/test_demo.py. The
other topics' modules run too, because the coverage gate (100% of snippets/)
counts lines their own tests cover; they take seconds.
"""

import fnmatch
import itertools
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from scripts import new_topic
from support.paths import ROOT

NOT_RUN_IN_THE_COPY = ("test_bench.py", "test_browser*.py", "test_lighthouse.py", Path(__file__).name)


def free_name() -> str:
    """demo, or demo_2, demo_3, ... if a scaffolded demo is in the tree already (as in the README's check)."""
    for number in itertools.count(1):
        name = "demo" if number == 1 else f"demo_{number}"
        if new_topic.name_problem(name) is None:
            return name
    raise AssertionError("unreachable")


NAME = free_name()
TITLE = NAME.replace("_", " ").capitalize()  # "Demo", "Demo 2", ...


def copy_repository(target: Path) -> Path:
    """The files a commit of the working tree would hold (tracked or not ignored), copied to target."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    for name in sorted(set(listed.decode().split("\0")) - {""}):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def scaffold(copy: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/new_topic.py", *args], cwd=copy, capture_output=True, text=True, timeout=30
    )


def clean_environment() -> dict[str, str]:
    """This run's environment without the coverage plumbing of the outer pytest."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("COV_CORE_", "COVERAGE_", "PYTEST_"))
    }


@pytest.fixture(scope="module")
def pristine_copy(tmp_path_factory) -> Path:
    return copy_repository(tmp_path_factory.mktemp("pristine"))


@pytest.mark.timeout(900)
def test_a_scaffolded_topic_passes_the_suite_as_generated(tmp_path):
    copy = copy_repository(tmp_path / "repo")
    result = scaffold(copy, NAME, TITLE)
    assert result.returncode == 0, result.stderr
    modules = sorted(
        path.relative_to(copy).as_posix()
        for path in (copy / "tests").glob("test_*.py")
        if not any(path.match(pattern) for pattern in NOT_RUN_IN_THE_COPY)
    )
    assert f"tests/test_{NAME}.py" in modules
    report = tmp_path / "report.xml"
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *modules],
        cwd=copy,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=840,
    )
    assert suite.returncode == 0, suite.stdout[-6000:] + suite.stderr[-2000:]
    ran = [f"{case.get('classname')}::{case.get('name')}" for case in ET.parse(report).iter("testcase")]
    # The generic runners found the new topic, not only its own module.
    for runner in (f"test_{NAME}", "test_contracts", "test_real_servers", "test_robustness"):
        assert any(runner in test and NAME in test for test in ran), f"{runner} ran nothing of {NAME}"


BAD_ARGUMENTS = [
    (["hello", "Hello again"], "topic 'hello' exists already: snippets/hello"),
    (["lint", "Lint"], "exists already: tests/test_lint.py"),
    (["operations", "Operations"], "exists already: docs/topics/operations.md"),
    (["Demo", TITLE], "must be a lowercase Python identifier"),
    (["my-topic", TITLE], "must be a lowercase Python identifier"),
    (["1st", TITLE], "must be a lowercase Python identifier"),
    (["", TITLE], "must be a lowercase Python identifier"),
    (["class", TITLE], "is a Python keyword"),
    (["json", TITLE], "is the name of a Python module or package"),
    (["flask", TITLE], "is the name of a Python module or package"),
    ([NAME, ""], "the title is empty"),
    ([NAME, "   "], "the title is empty"),
    ([NAME, " Demo"], "starts or ends with white space"),
    ([NAME, "Routing: more"], "contains ':'"),
    ([NAME, 'Say "hi"'], "contains '\"'"),
    ([NAME, "Two\nlines"], "contains '\\n'"),
    ([NAME, "# Demo"], "must start with a letter or digit"),
    ([NAME, "A" * 61], "longer than 60 characters"),
    ([NAME, "Benchmark"], "a page titled 'Benchmark' is already in the nav"),
    ([NAME], "the following arguments are required: title"),
]


@pytest.mark.parametrize(("args", "message"), BAD_ARGUMENTS, ids=repr)
def test_bad_arguments_are_refused_and_change_nothing(pristine_copy, args, message):
    before = files_in(pristine_copy)
    result = scaffold(pristine_copy, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert files_in(pristine_copy) == before


def test_a_nav_without_topics_is_an_error_that_changes_nothing(tmp_path):
    copy = copy_repository(tmp_path / "repo")
    config = copy / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - Topics:\n", "  - Subjects:\n"))
    before = files_in(copy)
    result = scaffold(copy, NAME, TITLE)
    assert result.returncode == 1
    assert "no nav section '- Topics:'" in result.stderr
    assert "nothing was changed" in result.stderr
    assert files_in(copy) == before


def test_a_failed_write_removes_what_was_written(tmp_path, monkeypatch):
    config = tmp_path / "mkdocs.yml"
    config.write_text("nav: []\n")
    (tmp_path / "blocked").write_text("a file where a folder is needed")
    monkeypatch.setattr(new_topic, "ROOT", tmp_path)
    monkeypatch.setattr(new_topic, "MKDOCS_YML", config)
    files = {Path("snippets/demo/fastapi_app.py"): "x", Path("blocked/flask_app.py"): "y"}
    with pytest.raises(OSError):
        new_topic.write_all(files, "nav: [changed]\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["blocked", "mkdocs.yml"]
    assert config.read_text() == "nav: []\n"


@pytest.mark.parametrize("title", ["Yes", "null", "1.0", "0x1F", "Don't panic", "C++ & Rust (2024)!", "Zoë"])
def test_accepted_titles_stay_strings_in_the_nav(title):
    assert new_topic.title_problem(title) is None
    assert yaml.safe_load(new_topic.nav_entry(title, "page")) == [{title: "topics/page.md"}]


def test_the_nav_entry_goes_last_under_topics():
    config = (ROOT / "mkdocs.yml").read_text()
    lines = new_topic.add_to_nav(config, TITLE, "page").splitlines()
    added = lines.index(f'      - "{TITLE}": topics/page.md')
    assert lines[added - 1].startswith("      - ") and lines[added - 1].endswith(".md")
    assert lines[:added] + lines[added + 1 :] == config.splitlines()
    assert not lines[added + 1].startswith("      ")  # the next nav section


def test_contributing_names_only_files_the_scaffold_writes():
    """The table under "Add a topic" in CONTRIBUTING.md describes what new_topic.py writes."""
    section = (ROOT / "CONTRIBUTING.md").read_text().split("## Add a topic", 1)[1].split("\n## ", 1)[0]
    name, title = re.search(r'scripts/new_topic.py (\w+) "([^"]+)"', section).groups()
    written = [path.as_posix() for path in new_topic.planned_files(name, title)] + ["mkdocs.yml"]
    shown = re.findall(r"^\| `([^`]+)`", section, re.M)
    assert len(shown) >= 5
    assert [pattern for pattern in shown if not fnmatch.filter(written, pattern)] == []
