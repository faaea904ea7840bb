"""What upgrades cost: the data file, the checks that keep it current, and the page made from it.

docs/data/upgrades.json is written by `python -m scripts.upgrades` from the
pinned sdists' changelogs and metadata and from pip-audit; nothing here
fetches anything. The data must validate against its schema, describe
exactly the pinned FastAPI, Starlette, Pydantic, Flask and Werkzeug, and list
every installed release: in the weekly run (`scripts/dev.py test --latest`)
the installed ones are the newest, so a release the file does not list fails
there and is named in the issue that run opens. The page's tables must be
what the script renders from the data. Each check is shown to fail on the
mistake it exists for.
"""

import copy
import importlib.metadata
import json
import subprocess
import sys

import jsonschema
import pytest

from harness import upgrades
from harness.project import ROOT, pinned_requirements
from support.workflows import load

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover

DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def data():
    return json.loads(upgrades.DATA_FILE.read_text())


def schema_errors(document: dict) -> list[str]:
    schema = json.loads(upgrades.SCHEMA_FILE.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(document)]


def test_the_data_file_validates_against_its_schema(data):
    assert schema_errors(data) == []


def _drop_a_date(document):
    del document["packages"]["flask"]["releases"][0]["date"]


def _misspell_a_version(document):
    document["packages"]["fastapi"]["pinned"] = "latest"


def _lose_a_package(document):
    del document["packages"]["werkzeug"]


def _an_advisory_without_a_link(document):
    document["advisories"]["items"].append(
        {"id": "GHSA-xxxx", "aliases": [], "package": "flask", "affected": "3.1.3", "fixed": "3.1.4"}
    )


def _an_empty_breaking_change(document):
    document["packages"]["fastapi"]["releases"][0]["breaking"].append({"summary": "", "link": "https://x"})


@pytest.mark.parametrize(
    ("mistake", "path"),
    [
        (_drop_a_date, "$.packages.flask.releases[0]"),
        (_misspell_a_version, "$.packages.fastapi.pinned"),
        (_lose_a_package, "$.packages"),
        (_an_advisory_without_a_link, "$.advisories.items"),
        (_an_empty_breaking_change, "$.packages.fastapi.releases[0].breaking"),
    ],
    ids=lambda value: getattr(value, "__name__", "").lstrip("_") or None,
)
def test_the_schema_catches(mistake, path, data):
    broken = copy.deepcopy(data)
    mistake(broken)
    errors = schema_errors(broken)
    assert errors and all(error.startswith(path) for error in errors), errors


def test_the_data_describes_exactly_the_pinned_releases(data):
    assert upgrades.pin_problems(data, pinned_requirements()) == []


def test_a_pin_newer_than_the_data_says_to_run_the_script(data):
    pins = dict(pinned_requirements(), fastapi="99.0.0")
    assert upgrades.pin_problems(data, pins) == [
        "fastapi==99.0.0 is newer than the newest release docs/data/upgrades.json lists "
        f"({data['packages']['fastapi']['pinned']}): run python -m scripts.upgrades"
    ]


def test_a_pin_the_data_does_not_describe_says_to_run_the_script(data):
    listed = data["packages"]["werkzeug"]["releases"]
    older = min((release["version"] for release in listed), key=upgrades.version_key)
    pins = dict(pinned_requirements(), werkzeug=older)
    assert upgrades.pin_problems(data, pins) == [
        f"docs/data/upgrades.json describes werkzeug {data['packages']['werkzeug']['pinned']}, "
        f"requirements.txt pins {older}: run python -m scripts.upgrades"
    ]


def test_every_installed_release_is_in_the_data(data):
    """With the pins, the pinned releases; in the weekly --latest run, the newest ones."""
    installed = {name: importlib.metadata.version(name) for name in upgrades.PACKAGES}
    assert upgrades.unlisted_releases(data, installed) == []


def test_a_newest_release_the_data_does_not_list_is_flagged(data):
    installed = dict(pinned_requirements(), starlette="9.9.9")
    assert upgrades.unlisted_releases(data, installed) == [
        "starlette 9.9.9 is installed but docs/data/upgrades.json does not list it: "
        "run python -m scripts.upgrades and write its breaking changes"
    ]


def test_the_pages_tables_are_what_the_script_makes_of_the_data(data):
    assert upgrades.REPORT_FILE.read_text() == upgrades.render(data), (
        "docs/data/upgrade-cost-report.md is stale: run python -m scripts.upgrades --render-only"
    )


def test_a_changed_data_file_changes_the_tables(data):
    changed = copy.deepcopy(data)
    changed["packages"]["flask"]["releases"][0]["breaking"] = [
        {"summary": "Something else broke on purpose.", "link": "https://example.org/"}
    ]
    assert upgrades.render(changed) != upgrades.REPORT_FILE.read_text()


def test_every_release_lies_in_the_window_and_the_counts_add_up(data):
    for name, entry in data["packages"].items():
        for release in entry["releases"]:
            if release["date"] is None:  # FastAPI's sdists ship no release notes: see the page
                assert release["date_source"] == "not read here" and not release["breaking"], release
                continue
            assert data["window"]["from"] <= release["date"] <= data["window"]["to"], (name, release)
    summary = upgrades.render(data).split("[start:summary]", 1)[1].split("[end:summary]", 1)[0]
    for name, entry in data["packages"].items():
        breaking = sum(1 for release in entry["releases"] if release["breaking"])
        row = f"| {upgrades.NAMES[name]} | {len(entry['releases'])} | {breaking} | {entry['pinned']} |"
        assert row in summary


def test_python_support_is_what_the_installed_metadata_declares(data):
    """The pinned releases' sdists and the installed wheels declare the same Requires-Python."""
    for name in upgrades.PACKAGES:
        if importlib.metadata.version(name) != data["packages"][name]["pinned"]:
            pytest.skip("the newest releases are installed (the weekly run)")
        metadata = importlib.metadata.metadata(name)
        assert data["packages"][name]["requires_python"] == metadata["Requires-Python"], name
        fields = [
            f"{key}: {value}" for key, value in metadata.items() if key in ("Requires-Python", "Classifier")
        ]
        support = upgrades.python_support("\n".join(fields) + "\n")
        assert data["packages"][name]["classifiers"] == support["classifiers"], name


def test_the_leads_of_the_issue_are_recorded(data):
    """FastAPI 0.126 and 0.128 (Pydantic v1) and 0.132 (Content-Type) break inside the window, 0.122
    (401 for 403) just before it; FastAPI needs Python 3.11, Flask runs on older ones."""
    fastapi = {release["version"]: release for release in data["packages"]["fastapi"]["releases"]}
    for version, word in (
        ("0.126.0", "Pydantic v1"),
        ("0.128.0", "pydantic.v1"),
        ("0.132.0", "Content-Type"),
    ):
        assert any(word in change["summary"] for change in fastapi[version]["breaking"]), version
    assert upgrades.version_key("0.122.0") < min(map(upgrades.version_key, fastapi))
    assert "0.122.0" in (DOCS / "upgrade-cost.md").read_text()
    assert data["packages"]["fastapi"]["requires_python"] == ">=3.11"
    assert upgrades.version_key(data["packages"]["flask"]["requires_python"]) < (3, 11)


def test_a_breaking_change_the_site_explains_links_the_page_that_does(data):
    linked = [
        change["see"]
        for entry in data["packages"].values()
        for release in entry["releases"]
        for change in release["breaking"]
        if "see" in change
    ]
    assert linked, "no breaking change points at the page that explains it"
    for target in linked:
        assert (DOCS / target.partition("#")[0]).is_file(), target
        assert f"([on this site]({target}))" in upgrades.render(data)


# The changelog formats of the five projects, as their sdists ship them.
CHANGES_RST = """\
Version 3.1.3
-------------

Released 2026-02-19

-   Drop support for Python 3.8.
-   Fix a typo.

Version 3.1.2
-------------

Released 2025-08-19
"""
HISTORY_MD = """\
## v2.12.0 (2025-10-07)

* Remove the deprecated `copy` behaviour by @someone
## v2.11.0 (2025-03-27)
"""
STARLETTE_NOTES = """\
## 0.50.0 (November 1, 2025)

#### Removed

* Drop Python 3.9 support.
"""
FASTAPI_NOTES = """\
## 0.122.0

### Breaking Changes

* Use 401 instead of 403 for missing credentials.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CHANGES_RST, [("3.1.3", "2026-02-19"), ("3.1.2", "2025-08-19")]),
        (HISTORY_MD, [("2.12.0", "2025-10-07"), ("2.11.0", "2025-03-27")]),
        (STARLETTE_NOTES, [("0.50.0", "2025-11-01")]),
        (FASTAPI_NOTES, [("0.122.0", None)]),
    ],
    ids=["pallets", "pydantic", "starlette", "fastapi"],
)
def test_the_changelog_parser_reads_each_projects_headings(text, expected):
    assert [(release.version, release.date) for release in upgrades.parse_changelog(text)] == expected


def test_a_new_release_gets_the_changelogs_lines_that_announce_a_break():
    flask, fastapi = upgrades.parse_changelog(CHANGES_RST)[0], upgrades.parse_changelog(FASTAPI_NOTES)[0]
    assert upgrades.breaking_lines(flask) == ["Drop support for Python 3.8."]
    assert upgrades.breaking_lines(fastapi) == []  # the heading alone announces nothing to reword


def test_python_support_reads_requires_python_and_the_3x_classifiers():
    pkg_info = (
        "Metadata-Version: 2.1\nName: x\nRequires-Python: >=3.11\n"
        "Classifier: Programming Language :: Python :: 3.12\n"
        "Classifier: Programming Language :: Python :: 3 :: Only\n"
        "Classifier: Programming Language :: Python :: 3.11\n"
    )
    assert upgrades.python_support(pkg_info) == {"requires_python": ">=3.11", "classifiers": ["3.11", "3.12"]}


def run_script(*args):
    return subprocess.run(
        [sys.executable, "-m", "scripts.upgrades", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--today", "yesterday"], "--today must be a date as YYYY-MM-DD, not 'yesterday'"),
        (["--requirements", "no-such-file.txt"], "--requirements: no-such-file.txt does not exist"),
        (["--colour"], "unrecognized arguments: --colour"),
    ],
)
def test_the_script_rejects_bad_arguments_clearly(args, message):
    result = run_script(*args)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_render_only_rewrites_the_tables_from_the_data_alone(tmp_path, data):
    report = tmp_path / "report.md"
    result = run_script("--render-only", "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert report.read_text() == upgrades.render(data)


def test_a_data_file_that_is_not_json_is_a_clear_error(tmp_path):
    broken = tmp_path / "upgrades.json"
    broken.write_text("{")
    result = run_script("--render-only", "--data", str(broken), "--report", str(tmp_path / "r.md"))
    assert result.returncode == 1 and result.stderr.startswith("upgrades: "), result.stderr


def test_the_weekly_workflow_refreshes_the_data_file():
    workflow = load(ROOT / ".github" / "workflows" / "latest.yml")
    commands = [step.get("run", "") for step in workflow["jobs"]["upgrades"]["steps"]]
    assert any(".venv/bin/python -m scripts.upgrades" in command for command in commands), commands


def test_the_verdict_links_the_page():
    section = (DOCS / "verdict.md").read_text().split("## What the tested examples add", 1)[1]
    assert "(upgrade-cost.md)" in section.split("\n## ", 1)[0]


def test_the_pages_opening_paragraph_holds_in_the_data(data):
    """FastAPI shipped far more releases than Flask, several breaking, and needs a newer Python."""
    page = (DOCS / "upgrade-cost.md").read_text()
    assert "FastAPI shipped far more releases, several of them breaking" in " ".join(page.split())
    fastapi, flask = data["packages"]["fastapi"], data["packages"]["flask"]
    assert len(fastapi["releases"]) >= 3 * len(flask["releases"])
    assert len(upgrades.breaking_releases(fastapi)) >= 3
    assert upgrades.version_key(fastapi["requires_python"]) > upgrades.version_key(flask["requires_python"])


AUDITED = {"name": "flask", "version": "3.1.2", "vulns": []}
SKIPPED = {"name": "werkzeug", "skip_reason": "Dependency not found on PyPI and could not be audited"}
FOUND = {
    "name": "Werkzeug",
    "version": "3.1.3",
    "vulns": [{"id": "GHSA-xxxx-yyyy-zzzz", "aliases": ["CVE-2026-1"], "fix_versions": ["3.1.4"]}],
}


@pytest.mark.parametrize(
    "dependencies, reached, ids",
    [
        ([AUDITED], True, []),
        ([AUDITED, FOUND], True, ["GHSA-xxxx-yyyy-zzzz"]),
        # Not looked up is not "no advisory": the page then says it is not known here.
        ([AUDITED, SKIPPED], False, []),
    ],
)
def test_a_pin_pip_audit_could_not_look_up_is_not_reported_as_safe(dependencies, reached, ids):
    read = upgrades.read_audit(json.dumps({"dependencies": dependencies, "fixes": []}), "")
    assert read["reached"] is reached
    assert [item["id"] for item in read["items"]] == ids
    if not reached:
        assert "could not audit 1 of the 5 pins" in read["why"]
        assert read["refresh_from"]


def test_a_changelog_names_the_advisories_its_release_fixes():
    release = upgrades.Release(
        "3.1.3",
        "2026-02-18",
        (
            "-   The session is marked as accessed for ``in`` and ``len``. :ghsa:`68rp-wp8r-4726`",
            "-   Fixes GHSA-abcd-efgh-ijkl, also CVE-2026-12345; again :ghsa:`68rp-wp8r-4726`.",
            "-   Not an advisory: :issue:`5625`.",
        ),
    )
    assert upgrades.fixed_advisories(release) == [
        "GHSA-68rp-wp8r-4726",
        "GHSA-abcd-efgh-ijkl",
        "CVE-2026-12345",
    ]


def test_the_advisories_fixed_in_the_window_are_recorded(data):
    """The issue's leads: Flask 3.1.3 and Werkzeug 3.1.6 and 3.1.9 each fixed one."""
    fixed = {
        (name, release["version"]): advisory for name, release, advisory in upgrades.fixed_in_window(data)
    }
    assert fixed[("flask", "3.1.3")] == "GHSA-68rp-wp8r-4726"
    assert fixed[("werkzeug", "3.1.6")] == "GHSA-29vq-49wr-vm6x"
    assert fixed[("werkzeug", "3.1.9")] == "GHSA-g6x2-hccm-hh4m"
    report = upgrades.render(data)
    assert (
        "| [GHSA-68rp-wp8r-4726](https://osv.dev/vulnerability/GHSA-68rp-wp8r-4726) | Flask | 3.1.3 |"
        in report
    )
