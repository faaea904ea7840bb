"""The built site: strict build, complete tab pairs, every block tested, every snippet shown."""

import ast
import importlib.metadata
import inspect
import io
import itertools
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import flask
import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError

from harness.apps import all_apps
from harness.links import check_site
from harness.links import main as check_links
from harness.project import DOCS, ROOT, SNIPPETS, TESTS, pinned_requirements, snippet_files
from harness.site_build import built_pages, site_pages
from harness.site_hooks import (
    ANNOTATION,
    SIDE_BY_SIDE_BUTTON,
    TESTED_PACKAGES,
    add_side_by_side_button,
    close_heading_gaps,
    defer_sections,
    link_repository_files,
    mark_code_blocks,
    mark_pairs,
    mark_table,
)
from support.reading import (
    ABOUT_THE_TESTS,
    BUDGET,
    BUDGET_FIELDS,
    HOME,
    HOW_TESTED,
    IN_SHORT,
    Weight,
    admonition_title,
    first_block,
    highlights,
    included_text,
    is_prose,
    links_to_tests_in_prose,
    over_budget,
    page_weight,
)
from support.site import included_files, mkdocs_config, tab_sets, take_census
from support.tables import BAD_INPUT_TABLE

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover


def test_strict_build_passes(build):
    assert build.succeeded, build.output


def test_the_build_has_exactly_the_pages_the_tests_visit(build):
    """site_pages() reads the pages from docs/ so tests can be parametrised before the build."""
    assert built_pages(build.site) == site_pages()


def test_sitemap_lists_every_page(build, pages):
    """Material's instant navigation only intercepts links the sitemap lists."""
    sitemap = (build.site / "sitemap.xml").read_text()
    for name in pages:
        if name != "404.html":
            assert "<loc>" in sitemap and name.removesuffix("index.html") in sitemap, name


def test_census_finds_no_untested_block(build, pages, report):
    census = take_census(pages)
    report.append(f"code block census: {census}")
    print(census)
    assert census.counts["snippet"] > 0
    assert census.untested == [], "\n".join(census.untested)


@pytest.mark.parametrize(
    ("language", "text", "untested"),
    [
        ("console", "$ curl -i http://127.0.0.1:8000/items\nHTTP/1.1 200 OK\nx-request-id: 42", True),
        ("console", "$ curl -v http://127.0.0.1:8000/\n< x-request-id: 42", True),
        ("console", "$ python3.11 scripts/dev.py test --quick", False),
        ("bash", "pip install fastapi", False),
    ],
)
def test_a_console_block_may_show_a_command_but_not_an_answer(language, text, untested):
    """A curl transcript typed by hand once showed a header the app never sends, and passed."""
    html = (
        f'<article><div class="language-{language} highlight"><pre><span></span><code>{text}'
        "</code></pre></div></article>"
    )
    census = take_census({"page.html": BeautifulSoup(html, "html.parser")})
    assert bool(census.untested) is untested, census.untested


def test_every_example_sits_in_its_frameworks_tab(pages):
    """Tab sets are FastAPI/Flask pairs (or add Quart), and each snippet module is in its framework's tab."""
    shown_apps = set()
    for name, soup in pages.items():
        for tabs in tab_sets(soup):
            labels = [label for label, _ in tabs]
            assert labels in (["FastAPI", "Flask"], ["FastAPI", "Flask", "Quart"]), f"{name}: tabs {labels}"
            for label, codes in tabs:
                for code in codes:
                    # llms.txt drops tab labels, so each block's title names its framework.
                    assert code.title, f"{name}: a block under {label} has no title"
                    framework, _, shown = code.title.partition(": ")
                    assert framework == label, f"{name}: block titled {code.title!r} under {label}"
                    # The module's path ends the title, alone or in brackets after a label
                    # such as "the article's version, answers 500 to ...".
                    shown = shown.removesuffix(")").rpartition("(")[2]
                    if shown.endswith("_app.py"):
                        assert shown.rsplit("/", 1)[-1].startswith(label.lower()), (
                            f"{name}: {shown} under {label}"
                        )
                        shown_apps.add(shown)
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


def test_every_page_has_a_description_of_its_own(pages):
    """Search engines and link previews show it; Lighthouse's SEO audit fails a page without one.

    A page's `description:` front matter that YAML cannot parse falls back to
    the site's description (and the front matter shows up as text), so the
    site's own description counts as missing.
    """
    site_description = mkdocs_config()["site_description"]
    descriptions = {}
    for name, soup in pages.items():
        if name != "404.html":
            tag = soup.find("meta", attrs={"name": "description"})
            assert tag is not None, f"{name} has no meta description"
            assert tag["content"].strip() not in ("", site_description.strip()), (
                f"{name} has no description of its own: give it `description:` front matter"
            )
            descriptions[name] = tag["content"]
    assert len(set(descriptions.values())) == len(descriptions), "two pages share a description"


def test_every_internal_link_and_anchor_resolves(build, pages, report):
    links = check_site(build.site, site_url=build.address, pages=pages)
    report.append(
        f"links: {links.checked} internal links, anchors and files resolve; "
        f"{len(links.external)} external links listed by harness/links.py, not fetched"
    )
    assert links.broken == []


def test_link_check_catches_missing_pages_anchors_and_tab_labels(tmp_path, capsys):
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "index.html").write_text('<h2 id="setup">Setup</h2><input id="__tabbed_1_1">')
    (tmp_path / "index.html").write_text(
        '<a href="guide/#setup">ok</a> <a href="guide/#__tabbed_1_1">tab</a> <a href="guide/#gone">x</a>'
        ' <a href="nowhere/">x</a> <label for="__tabbed_9_1">x</label> <a href="https://flask.palletsprojects.com/">x</a>'
        ' <link rel="canonical" href="https://example.org/docs/guide/#setup">'
        ' <a href="/docs/guide/#setup">under the subpath</a> <a href="/docs/gone/">x</a>'
    )
    links = check_site(tmp_path, site_url="https://example.org/docs/")
    assert sorted(links.broken) == [
        "index.html: /docs/gone/ -> no such file",
        "index.html: guide/#gone -> no #gone on that page",
        "index.html: label for missing id #__tabbed_9_1",
        "index.html: nowhere/ -> no such file",
    ]
    assert set(links.external) == {"https://flask.palletsprojects.com/"}
    assert check_links([str(tmp_path)]) == 1
    assert "BROKEN" in capsys.readouterr().out


def test_every_snippet_file_is_included_by_a_page():
    files = {path.resolve() for path in snippet_files() if path.name != "__init__.py"}
    unused = sorted(str(path.relative_to(ROOT)) for path in files - included_files())
    assert unused == [], f"no page includes: {unused}"


def test_a_file_an_example_wrote_is_not_a_snippet_file(tmp_path):
    """Running an example in place writes files git ignores (async_items.db): they are not shown or
    tested, so the census and the include check leave them out; a copy without git counts every file."""
    folder = tmp_path / "snippets"
    folder.mkdir()
    for name, text in {".gitignore": "*.db\n", "app.py": "", "new.md": "", "items.db": "\xff"}.items():
        (folder / name).write_text(text)
    assert [path.name for path in snippet_files(folder)] == [".gitignore", "app.py", "items.db", "new.md"]
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run(["git", "add", "app.py", ".gitignore"], cwd=folder, check=True)
    assert [path.name for path in snippet_files(folder)] == [".gitignore", "app.py", "new.md"]


def test_no_snippet_module_shadows_a_package():
    """A snippets/<topic>/flask.py would be imported instead of Flask when the file is run directly."""
    taken = set(sys.stdlib_module_names) | set(importlib.metadata.packages_distributions())
    # A folder without __init__.py (such as http/) cannot shadow: Python prefers
    # a regular package found later on sys.path to a namespace folder.
    names = [*SNIPPETS.rglob("*.py"), *(path.parent for path in SNIPPETS.glob("*/**/__init__.py"))]
    shadows = sorted(str(path) for path in names if path.stem in taken)
    assert shadows == []


# "the tests", "a test", "tests shorten": a snippet's own words about the suite. The testing topic
# (snippets/testing/) is about tests, so it is left out.
MENTIONS_THE_TESTS = re.compile(
    r"\b(the|a|our|these|tests?)\s+tests?\b|\btests?\s+(shorten|read|start|count|use|set)\b", re.I
)


def reader_text(module: Path) -> list[tuple[int, str]]:
    """A module's comments and docstrings, with their line numbers: what a reader reads as prose."""
    source = module.read_text()
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    documented = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, documented) and (docstring := ast.get_docstring(node, clean=False)):
            found.append((node.body[0].lineno, docstring))
    return found


def test_no_snippet_comment_or_docstring_speaks_of_the_tests():
    """Readers copy snippets: their prose explains the example, not the suite that checks it."""
    mentions = [
        f"{module.relative_to(ROOT)}:{line}: {text.strip()[:100]}"
        for module in snippet_files()
        if module.suffix == ".py"
        if "testing" not in module.relative_to(SNIPPETS).parts
        for line, text in reader_text(module)
        if MENTIONS_THE_TESTS.search(text)
    ]
    assert mentions == []


def test_every_table_file_is_read_by_a_test():
    """bad_input.md files are read by the contract tests; any other table by its topic's tests."""
    test_sources = "".join(path.read_text() for path in TESTS.glob("test_*.py"))
    unread = [
        str(path.relative_to(ROOT))
        for path in snippet_files()
        if path.suffix == ".md"
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
    pins = pinned_requirements()
    for name in TESTED_PACKAGES:
        assert pins[name.lower()] == importlib.metadata.version(name), name


def test_hand_written_route_reference_matches_flask():
    """flask.Flask.route cannot be collected by griffe, so its entry is prose; keep it true."""
    parameters = list(inspect.signature(flask.Flask.route).parameters.values())[1:]  # without self
    shown = ", ".join(("**" if p.kind is p.VAR_KEYWORD else "") + p.name for p in parameters)
    assert f"`route({shown})`" in (DOCS / "reference" / "flask.md").read_text()


def test_no_page_skips_a_heading_level(pages):
    """Screen readers navigate by the outline; Lighthouse's heading-order audit fails a skipped level."""
    for name, soup in pages.items():
        article = soup.find("article") or soup
        levels = [int(tag.name[1]) for tag in article.find_all(re.compile(r"^h[1-6]$"))]
        skips = [(a, b) for a, b in itertools.pairwise([1, *levels]) if b > a + 1]
        assert skips == [], f"{name} skips heading levels: {skips}"


def test_heading_gaps_close_and_the_order_stays():
    html = '<h2 id="a">A</h2><h4 id="x">Ex</h4><h3>B</h3><h5 class="c">Ex</h5><h2>C</h2><hr><header>'
    assert close_heading_gaps(html) == (
        '<h2 id="a">A</h2><h3 id="x">Ex</h3><h3>B</h3><h4 class="c">Ex</h4><h2>C</h2><hr><header>'
    )


def test_code_blocks_are_deferred_with_their_line_count(pages):
    """docs/stylesheets/rendering.css sizes a block that is not yet rendered from --lines."""
    deferred = 0
    for name, soup in pages.items():
        for pre in soup.select("article pre:has(> code)"):
            lines = pre.code.get_text().removesuffix("\n").count("\n") + 1
            if pre.select_one(".md-annotation") or re.search(r"(#|//)\s*\(\d+\)", pre.code.get_text()):
                assert "deferred" not in pre.get("class", []), f"{name}: an annotated block is deferred"
            elif pre.get("class") == ["deferred"]:
                assert pre["style"] == f"--lines: {lines}", f"{name}: {pre['style']} for {lines} lines"
                deferred += 1
            else:
                raise AssertionError(f"{name}: a code block is not deferred: {pre.code.get_text()[:60]!r}")
    assert deferred > 300


def test_a_block_is_marked_by_its_lines_and_an_annotated_one_is_left_alone():
    block = '<pre><span></span><code><span class="k">x</span> = 1\n{}\n</code></pre>'
    assert mark_code_blocks(block.format("y = 2")) == (
        '<pre class="deferred" style="--lines: 2"><span></span>'
        '<code><span class="k">x</span> = 1\ny = 2\n</code></pre>'
    )
    wide = block.format("y = " + "1" * 40)
    assert '<code tabindex="0">' in mark_code_blocks(wide)
    annotated = block.format("y = 2  # (1)!")
    assert mark_code_blocks(annotated) == annotated


def test_only_a_5xx_in_a_column_of_statuses_is_called_a_server_error():
    table = (
        "<table><thead><tr><th>Request</th><th>Flask</th><th>Status</th><th>Held of 1,000</th></tr></thead>"
        "<tbody><tr><td>GET /</td><td>500</td><td>503</td><td>512</td></tr></tbody></table>"
    )
    marked = BeautifulSoup(mark_table(table), "html.parser")
    errors = [cell["data-label"] for cell in marked.select("td.server-error")]
    assert errors == ["Flask", "Status"]
    assert marked.select_one('td[data-label="Held of 1,000"]').get_text() == "512"


def test_below_the_first_heading_all_but_tabs_and_annotated_code_with_its_notes_is_deferred():
    html = (
        '<div class="admonition abstract"><p>In short</p></div>\n<h2 id="a">A</h2>\n<p>one</p>\n'
        '<table><tr><td>x</td></tr></table>\n<div class="tabbed-set" data-tabs="1:2"><p>tabs</p></div>\n'
        '<p>two</p>\n<div class="highlight"><pre><code># (1)!\n</code></pre></div>\n<ol><li>note</li></ol>\n'
        "<ol><li>a list</li></ol>\n"
        '<h3 id="b">B</h3>\n<p>three</p>\n<details><div class="tabbed-set"></div></details>\n'
    )
    deferred = '<div class="deferred-section">\n{}</div>\n'
    assert defer_sections(html) == (
        '<div class="admonition abstract"><p>In short</p></div>\n<h2 id="a">A</h2>\n'
        + deferred.format("<p>one</p>\n<table><tr><td>x</td></tr></table>\n")
        + '<div class="tabbed-set" data-tabs="1:2"><p>tabs</p></div>\n'
        + deferred.format("<p>two</p>\n")
        + '<div class="highlight"><pre><code># (1)!\n</code></pre></div>\n<ol><li>note</li></ol>\n'
        + deferred.format("<ol><li>a list</li></ol>\n")
        + '<h3 id="b">B</h3>\n'
        + deferred.format("<p>three</p>\n")
        + '<details><div class="tabbed-set"></div></details>\n'
    )
    nested = '<div class="doc"><h2 id="x">X</h2><p>api</p></div>\n<h2 id="y">Y</h2>\n<p>text</p>\n'
    assert defer_sections(nested) == nested


def test_deferred_sections_hold_no_tabs_no_annotations_and_no_heading(pages):
    """What the browser may skip: never a tab set (Material reads its labels' innerText to link the tabs)."""
    sections = [section for soup in pages.values() for section in soup.select("article .deferred-section")]
    assert len(sections) > 50
    for section in sections:
        assert section.select(".tabbed-set, h1, h2, h3, .md-annotation") == [], section.get_text()[:80]
        assert not re.search(r"(#|//)\s*\(\d+\)", section.get_text()), section.get_text()[:80]


def test_every_annotated_code_block_is_followed_by_its_list(pages):
    """Material turns `# (1)!` into a marker only when the block's next element is the list of notes;
    anything between (a deferred section's wrapper, say) leaves the raw comment in the code and the
    notes as a loose list below it."""
    lost = []
    for name, soup in pages.items():
        for block in soup.select("article div.highlight"):
            code = block.find("code")
            if code is None or not ANNOTATION.search(code.get_text()):
                continue
            after = block.find_next_sibling()
            if after is None or after.name != "ol":
                lost.append(f"{name}: {code.get_text()[:60]!r} is followed by {after and after.name}")
    assert lost == [], "\n".join(lost)


def test_the_page_starts_with_the_classes_materials_scripts_end_with(pages):
    """The head sets them, so the bundle's own change restyles nothing (overrides/main.html).

    tests/test_browser.py checks that the bundle, once it has run, leaves the same classes.
    """
    for name, soup in pages.items():
        head_scripts = [script.string or "" for script in soup.head.find_all("script")]
        assert 'document.documentElement.className = "js js-focus-visible"' in head_scripts, name


def test_the_first_frame_waits_for_the_sections_on_the_first_screen(pages):
    """overrides/main.html marks the sections that start on the first screen before Chrome paints:
    the head holds the first frame until the element after that script is parsed.

    tests/test_browser.py checks, on every page, that nothing moves as it starts.
    """
    for name, soup in pages.items():
        expect = soup.head.select_one('link[rel="expect"][blocking="render"]')
        assert expect is not None, name
        target = soup.find(id=expect["href"].removeprefix("#"))
        assert target is not None, name
        script = target.find_previous_sibling()
        assert script.name == "script" and "first-screen" in script.string, name
        assert script.find_previous_sibling(class_="md-content") is not None, name


def tab_set(*labels: str) -> str:
    """A tab set in pymdownx.tabbed's markup (alternate style), one panel per label."""
    return (
        f'<div class="tabbed-set tabbed-alternate" data-tabs="1:{len(labels)}">'
        + "".join(f'<input id="__tabbed_1_{i}" name="__tabbed_1" type="radio" />' for i in range(len(labels)))
        + '<div class="tabbed-labels">'
        + "".join(f'<label for="__tabbed_1_{i}">{label}</label>' for i, label in enumerate(labels))
        + '</div>\n<div class="tabbed-content"></div></div>'
    )


def test_only_a_fastapi_flask_tab_set_is_a_pair():
    pair = tab_set("FastAPI", "Flask")
    assert mark_pairs(pair) == pair.replace("tabbed-alternate", "tabbed-alternate side-by-side-pair")
    assert "side-by-side-pair" in mark_pairs(tab_set("Flask", "FastAPI"))
    for others in [tab_set("Linux", "macOS"), tab_set("FastAPI", "Flask", "Quart"), tab_set("FastAPI")]:
        assert mark_pairs(others) == others


def test_a_page_with_a_pair_gets_the_button_after_the_edit_button():
    article = (
        '<article class="md-content__inner md-typeset">\n  <a href="e" class="md-content__button md-icon">'
    )
    page = article + "<svg></svg>\n</a>\n<h1>T</h1>{}</article>"
    with_pair = page.format(mark_pairs(tab_set("FastAPI", "Flask")))
    assert add_side_by_side_button(with_pair) == with_pair.replace("</a>", "</a>" + SIDE_BY_SIDE_BUTTON, 1)
    without = page.format(tab_set("Linux", "macOS"))
    assert add_side_by_side_button(without) == without


def test_built_pages_have_the_button_exactly_where_they_have_pairs(pages):
    with_button = 0
    for name, soup in pages.items():
        pairs = [
            tabs
            for tabs in soup.select("article .tabbed-set")
            if sorted(label.get_text(strip=True) for label in tabs.select(":scope > .tabbed-labels > label"))
            == ["FastAPI", "Flask"]
        ]
        assert all("side-by-side-pair" in tabs["class"] for tabs in pairs), name
        assert len(soup.select("article .side-by-side-pair")) == len(pairs), name
        assert len(soup.select("article > button.side-by-side-toggle")) == (1 if pairs else 0), name
        with_button += bool(pairs)
    assert with_button > 20


def test_reference_entries_render(pages):
    identifiers = re.findall(
        r"^::: ([\w.]+)", "".join(p.read_text() for p in (DOCS / "reference").glob("*.md")), re.M
    )
    anchors = {tag["id"] for soup in pages.values() for tag in soup.select("[id]")}
    assert identifiers
    assert [identifier for identifier in identifiers if identifier not in anchors] == []


def test_a_repository_file_named_on_a_page_links_to_it_and_a_missing_one_fails_the_build():
    markdown = "Checked by `tests/test_routing.py`.\n\n```text\n`tests/test_routing.py`\n```\n"
    linked = link_repository_files(markdown, "https://example.org/repo/", ROOT, "demo.md")
    assert linked == (
        "Checked by [`tests/test_routing.py`](https://example.org/repo/blob/main/tests/test_routing.py).\n\n"
        "```text\n`tests/test_routing.py`\n```\n"
    )
    with pytest.raises(PluginError, match=r"demo\.md names tests/test_gone\.py, which does not exist"):
        link_repository_files("See `tests/test_gone.py`.", "https://example.org/repo", ROOT, "demo.md")


def test_every_page_of_prose_opens_with_in_short(pages):
    """A reader arriving from a search gets the page's answer first (the home page: its two cards)."""
    for name, soup in pages.items():
        block = first_block(soup)
        if name == HOME:
            assert block is not None and {"grid", "cards"} <= set(block.get("class", [])), (
                "the home page must open with its decision cards"
            )
        elif is_prose(name):
            assert admonition_title(block) == IN_SHORT, (
                f'{name} must open with `!!! abstract "{IN_SHORT}"` right under its title'
            )
            bullets = block.select(":scope > ul > li")
            assert 2 <= len(bullets) <= 4, f"{name}: In short has {len(bullets)} bullets, not 2 to 4"


def test_reader_prose_names_no_test_file(pages):
    """Links to tests/ go into the page's folded "How this page is tested" block (Method and Contributing
    explain the tests, so they may name them anywhere)."""
    for name, soup in pages.items():
        if name in ABOUT_THE_TESTS:
            continue
        assert links_to_tests_in_prose(soup) == [], (
            f'{name} names test files in its prose; move them into `??? info "{HOW_TESTED}"` at its end'
        )
        folded = [d for d in soup.select("article details") if admonition_title(d) == HOW_TESTED]
        assert len(folded) <= 1, f'{name} has {len(folded)} "{HOW_TESTED}" blocks; one at its end'


def test_highlighted_lines_fall_on_code_in_every_page():
    """pymdownx drops hl_lines past a block's end silently, and ones on blank lines point at nothing."""
    found = [highlight for page in sorted(DOCS.rglob("*.md")) for highlight in highlights(page)]
    assert len(found) >= 10
    problems = [problem for highlight in found for problem in highlight.problems()]
    assert problems == [], "\n".join(problems)


# What each highlighted line pointed at when its hl_lines were last checked: an edit above it moves
# the code, not the number, and a highlight that moved onto other code fails here.
HIGHLIGHTS_RECORD = TESTS / "highlighted_lines.tsv"


def highlight_change(key: tuple[str, ...], was: str | None, now: str | None) -> str | None:
    page, source, number = key
    where = f"{page}: hl_lines {number} of {source}"
    if was == now:
        return None
    if was is None:
        return f"{where} is new, on {now!r}"
    if now is None:
        return f"{where} is gone (it pointed at {was!r})"
    return f"{where} now points at {now!r}, set for {was!r}"


def test_every_highlight_still_points_at_the_line_it_was_set_for(update_shown):
    found = sorted(
        record for page in sorted(DOCS.rglob("*.md")) for h in highlights(page) for record in h.records()
    )
    if update_shown:
        HIGHLIGHTS_RECORD.write_text("".join(f"{record}\n" for record in found))
        return
    recorded = HIGHLIGHTS_RECORD.read_text().splitlines()
    was = {tuple(r.split("\t")[:3]): r.split("\t")[3] for r in recorded}
    now = {tuple(r.split("\t")[:3]): r.split("\t")[3] for r in found}
    problems = [highlight_change(key, was.get(key), now.get(key)) for key in sorted(set(was) | set(now))]
    problems = [problem for problem in problems if problem]
    assert problems == [], (
        "highlights moved (code above them changed) or changed: fix hl_lines on the page, then record "
        f"them with `scripts/dev.py test --update-examples` ({HIGHLIGHTS_RECORD.name}):\n"
        + "\n".join(problems)
    )


def test_a_highlight_past_the_end_or_on_a_blank_line_is_caught(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        '=== "FastAPI"\n\n    ```python title="FastAPI: x" hl_lines="2 3 9"\n'
        '    --8<-- "hello/fastapi_app.py"\n    ```\n\n'
        '```python hl_lines="1-2"\nx = 1\n\n```\n'
    )
    shown = included_text("hello/fastapi_app.py", None)
    problems = [p for h in highlights(page) for p in h.problems()]
    assert any("past the block's end" in p and "hl_lines 9 " in p for p in problems) == (len(shown) < 9)
    assert any("hl_lines 2 falls on a blank line" in p for p in problems)


def test_nav_puts_the_answer_first_and_topics_one_level_deep():
    nav = mkdocs_config()["nav"]
    top = [next(iter(entry)) for entry in nav]
    assert top[:2] == ["Home", "Decision guide"]
    assert top[-1] == "About" and [next(iter(e)) for e in nav[-1]["About"]] == ["Method", "Contributing"]
    topics = next(entry["Topics"] for entry in nav if "Topics" in entry)
    assert all(isinstance(next(iter(entry.values())), str) for entry in topics), "a topic nested in a section"


def test_a_nav_label_is_its_pages_title_or_its_beginning():
    def leaves(entries):
        for entry in entries:
            ((label, target),) = entry.items()
            if isinstance(target, list):
                yield from leaves(target)
            else:
                yield label, target

    for label, target in leaves(mkdocs_config()["nav"]):
        source = (DOCS / target).read_text()
        if target == "contributing.md" or target.startswith("reference/") or target == "index.md":
            continue
        title = re.search(r"^# (.+)$", source, re.MULTILINE).group(1)
        assert title == label or title.startswith((f"{label}:", f"{label} ", f"{label},")), (
            f"{target}: nav label {label!r}, title {title!r}"
        )


def test_the_home_pages_next_link_is_the_decision_guide(pages):
    link = pages["index.html"].select_one("a.md-footer__link--next")
    assert link is not None and link["href"].rstrip("/").endswith("decision-guide")


def test_every_page_stays_within_its_budgets(build, pages, report):
    """Code blocks, elements and script bytes: what makes a long page slow on a phone, counted."""
    weights = {name: page_weight(soup, build.site, name) for name, soup in pages.items()}
    heaviest = {
        field: max(weights, key=lambda name, f=field: getattr(weights[name], f)) for field in BUDGET_FIELDS
    }
    report.append(
        "page budgets: "
        + ", ".join(f"{f} {getattr(weights[n], f)}/{getattr(BUDGET, f)} ({n})" for f, n in heaviest.items())
    )
    over = {name: problems for name, weight in weights.items() if (problems := over_budget(weight))}
    assert over == {}, "\n".join(f"{name}: {', '.join(problems)}" for name, problems in over.items())


def test_a_page_over_budget_is_caught():
    assert over_budget(Weight(code_blocks=BUDGET.code_blocks + 1, elements=1, script_bytes=1)) == [
        f"code_blocks {BUDGET.code_blocks + 1} > {BUDGET.code_blocks}"
    ]
