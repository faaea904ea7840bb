"""What the tests read from the site: its configuration, a built page's tab sets, the census of code blocks.

Running a build is harness/site_build.py's job; this module reads what it made.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup
from mkdocs.config import load_config
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from harness.project import DOCS, ROOT, SNIPPETS, copy_project, snippet_files
from harness.site_build import Build, run_build

from .inline_examples import inline_examples

# Languages a block may be written in by hand (commands, configuration); any
# other block, one with no language included, must come from a tested file or
# an executed inline example.
MAY_BE_HAND_WRITTEN = {"Bash", "Bash Session", "INI", "TOML", "YAML"}


# A status line or a response header as curl -i or -v prints it: an HTTP answer, which a page shows
# from an exchange the tests replay, never typed by hand into a console block.
HTTP_ANSWER = re.compile(r"^(< )?HTTP/\d(\.\d)? \d{3}\b|^< [\w-]+: ", re.MULTILINE)


def must_be_tested(language: str) -> bool:
    try:
        name = get_lexer_by_name(language).name
    except ClassNotFound:
        return True
    return name not in MAY_BE_HAND_WRITTEN


SECTION_MARKER = re.compile(r"--8<-- \[(start|end):\w+\]")
INCLUDE = re.compile(r'--8<-- "([^"]+?)(?::[\w-]+)?"')


# Where the run's one build is served, as GitHub Pages serves a project site:
# under /<repository>/, with REPO_URL set as the deploy sets it.
SITE_SUBPATH = "fastapi-vs-flask"
REPO_URL = "https://github.com/example/fastapi-vs-flask"


def mkdocs_config() -> dict:
    """mkdocs.yml as MkDocs reads it (environment variables and plugins resolved)."""
    return load_config(str(ROOT / "mkdocs.yml"))


def build_copy_with_zensical(folder: Path, address: str) -> Build:
    """Zensical's strict build of a copy of the project, for the MkDocs build's address and repository."""
    project = copy_project(folder / "checkout")
    return run_build("zensical", project / "site", project, SITE_URL=address, REPO_URL=REPO_URL)


def read_pages(site: Path) -> dict[str, BeautifulSoup]:
    """Every HTML page of a built site, by its path in the site."""
    return {
        page.relative_to(site).as_posix(): BeautifulSoup(page.read_text(), "html.parser")
        for page in site.rglob("*.html")
    }


def _normalize(code: str) -> list[str]:
    lines = [line.rstrip() for line in code.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _contains(haystack: list[str], needle: list[str]) -> bool:
    width = len(needle)
    return any(haystack[start : start + width] == needle for start in range(len(haystack) - width + 1))


def as_shown(snippet: Path) -> str:
    """A snippet file as a page shows it: section markers dropped."""
    lines = snippet.read_text().splitlines()
    return "\n".join(line for line in lines if not SECTION_MARKER.search(line))


def snippet_texts() -> list[list[str]]:
    """Every file under snippets/, as a page would show it."""
    return [_normalize(as_shown(path)) for path in snippet_files()]


@dataclass
class Census:
    counts: Counter = field(default_factory=Counter)
    untested: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        total = sum(self.counts.values())
        return (
            f"{total} blocks: {self.counts['snippet']} from snippets, {self.counts['inline']} inline "
            f"(executed), {self.counts['reference']} from library docstrings (API reference), "
            f"{self.counts['other']} other, {self.counts['untested']} untested"
        )


def take_census(pages: dict[str, BeautifulSoup]) -> Census:
    """Sort every code block of the built pages by where it comes from (see Census)."""
    snippets = snippet_texts()
    inline = [_normalize(example.source) for example in inline_examples(DOCS)]
    census = Census()
    for name, soup in sorted(pages.items()):
        for pre in soup.select("article pre"):
            highlight = pre.find_parent("div", class_="highlight")
            classes = highlight.get("class", []) if highlight else []
            language = next((c.removeprefix("language-") for c in classes if c.startswith("language-")), "")
            lines = _normalize(pre.get_text())
            if any(_contains(text, lines) for text in snippets):
                kind = "snippet"
            elif pre.find_parent("div", class_="doc-contents"):
                # Rendered by mkdocstrings from an installed library's docstring:
                # the library's own example, counted apart from the site's.
                kind = "reference"
            elif language in ("python", "py") and lines in inline:
                kind = "inline"
            elif must_be_tested(language):
                kind = "untested"
                first = lines[0] if lines else ""
                census.untested.append(f"{name}: {language} block starting {first!r}")
            elif answer := HTTP_ANSWER.search(pre.get_text()):
                kind = "untested"
                census.untested.append(
                    f"{name}: {language} block shows an HTTP answer ({answer.group(0).strip()!r}) typed by "
                    "hand; show it from an exchange the tests replay (snippets/<topic>/http/)"
                )
            else:
                kind = "other"
            census.counts[kind] += 1
    return census


def included_files() -> set[Path]:
    """Files under snippets/ that some page includes with `--8<--`."""
    included = set()
    for page in DOCS.rglob("*.md"):
        for match in INCLUDE.finditer(page.read_text()):
            included.add((SNIPPETS / match.group(1)).resolve())
    return included


@dataclass(frozen=True)
class CodeBlock:
    title: str
    lines: tuple[str, ...]


def tab_sets(soup: BeautifulSoup) -> list[list[tuple[str, list[CodeBlock]]]]:
    """Each tabbed set on a page: its tabs, as (label, the code blocks under it)."""
    sets = []
    for tabbed_set in soup.select("div.tabbed-set"):
        labels = [label.get_text() for label in tabbed_set.select(":scope > div.tabbed-labels > label")]
        blocks = tabbed_set.select(":scope > div.tabbed-content > div.tabbed-block")
        tabs = []
        for label, block in zip(labels, blocks, strict=True):
            codes = []
            for code in block.select("div.highlight"):
                title = code.select_one(":scope > span.filename")
                codes.append(
                    CodeBlock(title.get_text() if title else "", tuple(_normalize(code.pre.get_text())))
                )
            tabs.append((label, codes))
        sets.append(tabs)
    return sets
