"""Zensical, Material for MkDocs' successor, builds this site from mkdocs.yml with the same content.

Material for MkDocs reaches end of life on 2027-05-05; Zensical (same team)
reads mkdocs.yml. This test builds a copy of the project with the pinned
Zensical and compares it with the MkDocs build: the same pages, the same
FastAPI/Flask tab pairs holding the same code, the same text. Two things
differ, by design, because Zensical runs neither MkDocs hooks nor plugins it
does not support:

- the "Examples tested with ..." line (harness/site_hooks.py, a MkDocs hook);
- the hook's marks on tables: the line above a table that says the one value of
  a column it folds (the column itself stays, hidden), and "server error"
  beside a 5xx status;
- the "Last update" date (mkdocs-git-revision-date-localized-plugin).

Both are removed before comparing; everything else must match.
"""

import copy
import difflib

import pytest

from support.jobs import ZENSICAL_BUILD
from support.site import read_pages, tab_sets

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.no_cover]

# What only MkDocs adds: the hook's versions line, its words for tables (the line above a
# table saying a folded column's one value, the "server error" beside a 5xx) and its side-by-side
# button (so Zensical offers no side by side), and the git date plugin's aside.
MKDOCS_ONLY = [
    "p.tested-versions",
    "p.table-constant",
    "span.server-error-flag",
    "button.side-by-side-toggle",
    "aside.md-source-file",
]


@pytest.fixture(scope="module")
def zensical_pages(background, report):
    zensical = background.result(ZENSICAL_BUILD)
    assert zensical.succeeded, zensical.output
    report.append(f"zensical build --strict: {zensical.seconds:.2f} s")
    return read_pages(zensical.site)


def article_text(soup) -> list[str]:
    article = copy.copy(soup.select_one("article"))  # the pages are shared: leave them whole
    for selector in MKDOCS_ONLY:
        for tag in article.select(selector):
            tag.decompose()
    # The hook keeps each token of code in a table cell in a span of its own: same text.
    for tag in article.select("code > span.whole"):
        tag.unwrap()
    article.smooth()
    return article.get_text("\n", strip=True).splitlines()


def test_zensical_builds_every_page(pages, zensical_pages):
    assert set(pages) - set(zensical_pages) == set()


def test_every_tab_pair_holds_the_same_code(pages, zensical_pages):
    compared = 0
    for name, soup in pages.items():
        mkdocs_tabs = tab_sets(soup)
        assert tab_sets(zensical_pages[name]) == mkdocs_tabs, name
        compared += len(mkdocs_tabs)
    assert compared > 0


def test_every_page_has_the_same_text_but_for_the_mkdocs_only_parts(pages, zensical_pages):
    for name, soup in pages.items():
        mkdocs, zensical = article_text(soup), article_text(zensical_pages[name])
        diff = "\n".join(difflib.unified_diff(mkdocs, zensical, "mkdocs", "zensical", lineterm="", n=1))
        assert mkdocs == zensical, f"{name}:\n{diff}"
