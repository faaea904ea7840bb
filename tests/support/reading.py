"""What a reader meets on a page, as rules the tests hold every built page to.

A page of prose opens with its answer (an "In short" admonition), names the
tests that prove it only in one folded "How this page is tested" block at its
end, and highlights lines that exist and hold code. The page's weight is held
to budgets that can be counted in the build (code blocks, elements, script
bytes), since a Lighthouse score moves with the machine's load.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from harness.project import DOCS, ROOT, SNIPPETS

IN_SHORT = "In short"
HOW_TESTED = "How this page is tested"
# Pages that explain the tests themselves, so may name them anywhere.
ABOUT_THE_TESTS = ("method/index.html", "contributing/index.html")
# Pages that are not prose: the API reference renders library docstrings; the
# home page's answer is its two decision cards; the 404 page is a list of links.
NOT_PROSE = ("reference/", "404.html")
HOME = "index.html"
TEST_FILE_LINK = re.compile(r"/blob/[^/]+/tests/")
# pymdownx.snippets' base_path in mkdocs.yml, in its order.
INCLUDE_BASES = (SNIPPETS, DOCS / "data", ROOT)
FENCE = re.compile(r"^(?P<indent>\s*)(?P<marks>```+|~~~+)(?P<info>.*)$")
HL_LINES = re.compile(r'\bhl_lines="([^"]*)"')
INCLUDE_LINE = re.compile(r'^\s*--8<-- "(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"\s*$')
SECTION_MARKER = re.compile(r"--8<-- \[(start|end):([\w-]+)\]")


def is_prose(name: str) -> bool:
    return name != HOME and not name.startswith(NOT_PROSE)


def first_block(soup: BeautifulSoup) -> Tag | None:
    """The first element of a page's content after its title (buttons and anchors aside)."""
    article = soup.select_one("article.md-content__inner")
    heading = article.find("h1") if article else None
    if heading is None:
        return None
    for sibling in heading.find_next_siblings():
        if sibling.name in ("a", "button") or sibling.get("hidden") is not None:
            continue
        return sibling
    return None


def admonition_title(block: Tag | None) -> str:
    """The title of an admonition (`!!!`) or a folded block (`???`), or "" for anything else."""
    if block is None:
        return ""
    title = block.select_one(":scope > p.admonition-title, :scope > summary")
    return title.get_text(strip=True) if title else ""


def links_to_tests_in_prose(soup: BeautifulSoup) -> list[str]:
    """Links to files under tests/ in reader prose, i.e. not inside "How this page is tested"."""
    found = []
    for link in soup.select("article a[href]"):
        if not TEST_FILE_LINK.search(link["href"]):
            continue
        folded = [
            details for details in link.find_parents("details") if admonition_title(details) == HOW_TESTED
        ]
        if not folded:
            found.append(link.get_text(strip=True))
    return found


@dataclass(frozen=True)
class Highlight:
    """A fenced block with hl_lines, and the lines it shows."""

    page: str
    line: int  # where the fence opens in the page's Markdown
    numbers: tuple[int, ...]
    shown: tuple[str, ...]
    source: str = "inline"  # the file(s) the block includes, or "inline" for code written in the page

    def records(self) -> list[str]:
        """One line per highlighted line: page, source, number and the text it points at."""
        return [
            f"{self.page}\t{self.source}\t{number}\t{self.shown[number - 1].strip()}"
            for number in self.numbers
            if number <= len(self.shown)
        ]

    def problems(self) -> list[str]:
        where = f"{self.page}:{self.line}"
        out = []
        for number in self.numbers:
            if number > len(self.shown):
                out.append(f"{where}: hl_lines {number} is past the block's end ({len(self.shown)} lines)")
            elif not self.shown[number - 1].strip():
                out.append(f"{where}: hl_lines {number} falls on a blank line")
        return out


def line_numbers(spec: str) -> tuple[int, ...]:
    """pymdownx.highlight's hl_lines: "1 3-5" -> (1, 3, 4, 5)."""
    numbers: list[int] = []
    for part in spec.split():
        first, _, last = part.partition("-")
        numbers.extend(range(int(first), int(last or first) + 1))
    return tuple(numbers)


def included_text(path: str, section: str | None) -> list[str]:
    """A `--8<--` include as pymdownx.snippets shows it: section markers dropped, or one section."""
    source = next((base / path for base in INCLUDE_BASES if (base / path).is_file()), None)
    if source is None:
        raise FileNotFoundError(f"no file {path} under the include paths")
    lines = source.read_text().splitlines()
    if section is None:
        return [line for line in lines if not SECTION_MARKER.search(line)]
    inside, shown = False, []
    for line in lines:
        marker = SECTION_MARKER.search(line)
        if marker and marker.group(2) == section:
            inside = marker.group(1) == "start"
        elif marker:
            continue
        elif inside:
            shown.append(line)
    return shown


def highlights(page: Path) -> list[Highlight]:
    """Every fence with hl_lines in a page's Markdown, with the text it shows."""
    found = []
    lines = page.read_text().splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening or not opening.group("info").strip():
            index += 1
            continue
        marks, start = opening.group("marks"), index
        body = []
        index += 1
        while index < len(lines) and lines[index].strip() != marks:
            body.append(lines[index])
            index += 1
        index += 1
        spec = HL_LINES.search(opening.group("info"))
        if spec is None:
            continue
        shown: list[str] = []
        sources: list[str] = []
        for line in body:
            include = INCLUDE_LINE.match(line)
            if include:
                shown.extend(included_text(include.group("path"), include.group("section")))
                sources.append(
                    include.group("path")
                    + (f":{include.group('section')}" if include.group("section") else "")
                )
            else:
                shown.append(line.removeprefix(opening.group("indent")))
        numbers = line_numbers(spec.group(1))
        name = page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else page.name
        found.append(Highlight(name, start + 1, numbers, tuple(shown), " + ".join(sources) or "inline"))
    return found


@dataclass(frozen=True)
class Weight:
    """What a built page asks of a phone's CPU, counted in its HTML: the same on every machine."""

    code_blocks: int  # Material sets each one up (copy button, annotations) as the page loads
    elements: int  # the DOM Lighthouse's dom-size audit counts, before scripts add to it
    script_bytes: int  # the page's own and linked scripts, as the files hold them


# Budgets every page keeps. A page at these sizes scored 95 or more for mobile performance
# under Lighthouse on an idle machine (the closing note of issue #20 has the table that
# `python -m scripts.lighthouse` printed); a Lighthouse score itself moves with the
# machine's load, so the suite holds these counts instead.
BUDGET = Weight(code_blocks=40, elements=7000, script_bytes=150_000)
BUDGET_FIELDS = ("code_blocks", "elements", "script_bytes")


def page_weight(soup: BeautifulSoup, site: Path, page: str) -> Weight:
    scripts = 0
    for script in soup.select("script"):
        source = script.get("src")
        if source is None:
            scripts += len(script.get_text().encode())
        elif not source.startswith(("http:", "https:", "//")):
            scripts += served_file(site, page, source).stat().st_size
    return Weight(
        code_blocks=len(soup.select("article div.highlight")),
        elements=len(soup.find_all(True)),
        script_bytes=scripts,
    )


def served_file(site: Path, page: str, source: str) -> Path:
    """The file behind a page's `src`: relative to the page, or absolute under the site's subpath."""
    path = urlsplit(urljoin(f"/{site.name}/{page}", source)).path.lstrip("/")
    return site.parent / path


def over_budget(weight: Weight, budget: Weight = BUDGET) -> list[str]:
    return [
        f"{name} {getattr(weight, name)} > {getattr(budget, name)}"
        for name in BUDGET_FIELDS
        if getattr(weight, name) > getattr(budget, name)
    ]
