"""The built site: strict build, complete tab pairs, every block tested, every snippet shown."""

import importlib.metadata
import inspect
import re
import sys

import flask
import pytest
from bs4 import BeautifulSoup

from scripts.site_hooks import TESTED_PACKAGES
from support.apps import all_apps
from support.paths import DOCS, ROOT, SNIPPETS, TESTS
from support.site import build_site, included_files, take_census
from support.tables import BAD_INPUT_TABLE


@pytest.fixture(scope="module")
def build(tmp_path_factory, report):
    result = build_site(tmp_path_factory.mktemp("site"))
    report.append(f"mkdocs build --strict: {result.seconds:.2f} s")
    return result


@pytest.fixture(scope="module")
def pages(build):
    assert build.returncode == 0, build.output
    return {
        page.relative_to(build.site).as_posix(): BeautifulSoup(page.read_text(), "html.parser")
        for page in build.site.rglob("*.html")
    }


def test_strict_build_passes(build):
    assert build.returncode == 0, build.output


def test_sitemap_lists_every_page(build, pages):
    """Material's instant navigation only intercepts links the sitemap lists."""
    sitemap = (build.site / "sitemap.xml").read_text()
    for name in pages:
        if name != "404.html":
            assert "<loc>" in sitemap and name.removesuffix("index.html") in sitemap, name


def test_census_finds_no_untested_block(build, pages, report):
    census = take_census(build.site)
    report.append(f"code block census: {census}")
    print(census)
    assert census.counts["snippet"] > 0
    assert census.untested == [], "\n".join(census.untested)


def test_every_example_sits_in_its_frameworks_tab(pages):
    """Tab sets are FastAPI/Flask pairs, and each snippet module is shown in its framework's tab."""
    shown_apps = set()
    for name, soup in pages.items():
        for tabbed_set in soup.select("div.tabbed-set"):
            labels = [label.get_text() for label in tabbed_set.select(":scope > div.tabbed-labels > label")]
            assert labels == ["FastAPI", "Flask"], f"{name}: tabs {labels}"
            blocks = tabbed_set.select(":scope > div.tabbed-content > div.tabbed-block")
            for label, block in zip(labels, blocks, strict=True):
                for title in block.select("span.filename"):
                    # Titles may name the framework first: "FastAPI: snippets/...".
                    path = title.get_text().split(": ", 1)[-1]
                    if path.endswith("_app.py"):
                        assert path.rsplit("/", 1)[-1].startswith(label.lower()), (
                            f"{name}: {path} under {label}"
                        )
                        shown_apps.add(path)
    every_app = {f"snippets/{app.topic}/{app.name}_app.py" for app in all_apps()}
    assert shown_apps == every_app


def test_highlighted_lines_are_code(pages):
    """hl_lines are line numbers into a snippet file; an edit that shifts them lands on blanks."""
    highlighted = 0
    for name, soup in pages.items():
        for line in soup.select("div.highlight pre span.hll"):
            assert line.get_text().strip(), f"{name}: a highlighted line is blank; update hl_lines"
            highlighted += 1
    assert highlighted > 0


def test_no_page_loads_anything_from_another_host(pages):
    for name, soup in pages.items():
        for tag in soup.select("link[href], [src], object[data]"):
            url = tag.get("href") or tag.get("src") or tag.get("data")
            if tag.name == "link" and tag.get("rel") == ["canonical"]:
                continue
            assert not url.startswith(("http:", "https:", "//")), f"{name} loads {url}"


def test_every_snippet_file_is_included_by_a_page():
    files = {
        path.resolve()
        for path in SNIPPETS.rglob("*")
        if path.is_file() and path.name != "__init__.py" and "__pycache__" not in path.parts
    }
    unused = sorted(str(path.relative_to(ROOT)) for path in files - included_files())
    assert unused == [], f"no page includes: {unused}"


def test_no_snippet_module_shadows_a_package():
    """A snippets/<topic>/flask.py would be imported instead of Flask when the file is run directly."""
    taken = set(sys.stdlib_module_names) | set(importlib.metadata.packages_distributions())
    # A folder without __init__.py (such as http/) cannot shadow: Python prefers
    # a regular package found later on sys.path to a namespace folder.
    names = [*SNIPPETS.rglob("*.py"), *(path.parent for path in SNIPPETS.glob("*/**/__init__.py"))]
    shadows = sorted(str(path) for path in names if path.stem in taken)
    assert shadows == []


def test_every_table_file_is_read_by_a_test():
    """bad_input.md files are read by the contract tests; any other table by its topic's tests."""
    test_sources = "".join(path.read_text() for path in TESTS.glob("test_*.py"))
    unread = [
        str(path.relative_to(ROOT))
        for path in SNIPPETS.rglob("*.md")
        if path.name != BAD_INPUT_TABLE and f'"{path.name}"' not in test_sources
    ]
    assert unread == []


def test_every_page_shows_the_installed_versions(pages):
    expected = {name: importlib.metadata.version(name) for name in TESTED_PACKAGES}
    for name, soup in pages.items():
        if name == "404.html":
            continue
        line = soup.select_one("p.tested-versions")
        assert line is not None, f"{name} shows no versions"
        shown = dict(re.findall(r"(\w+) (\d[^\s,]*?)[,.]?(?=\s|$)", line.get_text()))
        assert shown == expected, name


def test_installed_versions_are_the_pinned_ones():
    pins = dict(
        line.split("==", 1) for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line
    )
    pins = {name.lower(): number for name, number in pins.items()}
    for name in TESTED_PACKAGES:
        assert pins[name.lower()] == importlib.metadata.version(name), name


def test_hand_written_route_reference_matches_flask():
    """flask.Flask.route cannot be collected by griffe, so its entry is prose; keep it true."""
    parameters = list(inspect.signature(flask.Flask.route).parameters.values())[1:]  # without self
    shown = ", ".join(("**" if p.kind is p.VAR_KEYWORD else "") + p.name for p in parameters)
    assert f"`route({shown})`" in (DOCS / "reference" / "flask.md").read_text()


def test_reference_entries_render(pages):
    identifiers = re.findall(
        r"^::: ([\w.]+)", "".join(p.read_text() for p in (DOCS / "reference").glob("*.md")), re.M
    )
    anchors = {tag["id"] for soup in pages.values() for tag in soup.select("[id]")}
    assert identifiers
    assert [identifier for identifier in identifiers if identifier not in anchors] == []
