"""scripts/new_topic.py: a scaffolded topic passes its checks as generated, and bad input changes nothing.

The scaffold runs in a copy of the project (the files a commit would hold,
without .venv or git history), and `scripts/dev.py test --topic NAME` then
runs there with this interpreter, exactly as a contributor would run it: the
new topic's test module, the generic runners for that topic (contracts in
process and over real sockets, generated input), the site checks (strict build,
census, every file included, hosting, lint) and coverage of the new topic's
folder. The copy has no git history, so its build also proves that such a
copy builds and that every page then shows the build date.
"""

import fnmatch
import re
from pathlib import Path

import pytest
import yaml

from harness import scaffold as new_topic
from harness.project import ROOT
from support.jobs import SCAFFOLD_RUN
from support.scaffold import NAME, TITLE
from support.site import copy_project

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover


def files_in(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's size and modification time: writing a file, even the same bytes back, changes one."""
    return {
        path.relative_to(folder).as_posix(): (stat.st_size, stat.st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if (stat := path.stat()) and path.is_file()
    }


@pytest.mark.scaffold
@pytest.mark.timeout(600)
def test_a_scaffolded_topic_passes_its_checks_as_generated(background, report):
    run = background.result(SCAFFOLD_RUN)
    report.append("scaffold test: its copy's run (scripts/dev.py test --topic) built the copy once more")
    assert run.scaffolded.returncode == 0, run.scaffolded.stderr
    # First add: the shown answers missing, --update-examples writes them and ends green.
    assert run.first_add.returncode == 0, run.first_add.stdout[-6000:] + run.first_add.stderr[-2000:]
    assert run.written == run.scaffolded_answers
    suite, copy, ran = run.suite, run.copy, run.ran
    assert suite.returncode == 0, suite.stdout[-6000:] + suite.stderr[-2000:]
    # Coverage measured the new topic's folder alone, all of it.
    modules = len(list((copy / "snippets" / NAME).glob("*.py")))
    assert f"{modules} files skipped due to complete coverage" in suite.stdout, suite.stdout[-3000:]
    assert "Required test coverage of 100.0% reached" in suite.stdout
    # The generic runners found the new topic, not only its own module.
    for runner in (f"test_{NAME}", "test_contracts", "test_real_servers", "test_robustness"):
        assert any(runner in test and NAME in test for test in ran), f"{runner} ran nothing of {NAME}"
    for site_check in (
        "test_strict_build_passes",
        "test_census_finds_no_untested_block",
        "test_every_snippet_file_is_included_by_a_page",
        "test_every_page_shows_the_date_of_its_last_commit",
        "test_ruff",
    ):
        assert any(site_check in test for test in ran), f"{site_check} did not run in the copy"


def use_as_repository(monkeypatch, copy: Path) -> Path:
    """Make new_topic (imported here) take `copy` for the repository."""
    monkeypatch.setattr(new_topic, "ROOT", copy)
    monkeypatch.setattr(new_topic, "MKDOCS_YML", copy / "mkdocs.yml")
    return copy


@pytest.fixture(scope="module")
def shared_copy(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("pristine") / "repo")


@pytest.fixture
def pristine_copy(shared_copy, monkeypatch) -> Path:
    """A copy of the project for scaffolds that must change nothing (each test checks that it did not)."""
    return use_as_repository(monkeypatch, shared_copy)


def scaffold_in_process(capsys, *args: str) -> tuple[int, str, str]:
    """new_topic.main(args) as the command line would run it: (exit status, stdout, stderr)."""
    try:
        status = new_topic.main(list(args))
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


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
def test_bad_arguments_are_refused_and_change_nothing(pristine_copy, capsys, args, message):
    before = files_in(pristine_copy)
    status, out, err = scaffold_in_process(capsys, *args)
    assert status == 2
    assert message in err
    assert out == ""
    assert files_in(pristine_copy) == before


def test_a_nav_without_topics_is_an_error_that_changes_nothing(tmp_path, monkeypatch, capsys):
    pristine_copy = use_as_repository(monkeypatch, copy_project(tmp_path / "repo"))
    config = pristine_copy / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - Topics:\n", "  - Subjects:\n"))
    before = files_in(pristine_copy)
    status, _, err = scaffold_in_process(capsys, NAME, TITLE)
    assert status == 1
    assert "no nav section '- Topics:'" in err
    assert "nothing was changed" in err
    assert files_in(pristine_copy) == before


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
    added = lines.index(f"      - {TITLE}: topics/page.md")
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
