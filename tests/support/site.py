"""Build the site the way CI does, and take a census of the code blocks in the built pages."""

import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup
from mkdocs.config import load_config
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from scripts.built_site import mkdocs_build_command

from .inline_examples import inline_examples
from .paths import DOCS, ROOT, SNIPPETS

# Languages a block may be written in by hand (commands, configuration); any
# other block, one with no language included, must come from a tested file or
# an executed inline example.
MAY_BE_HAND_WRITTEN = {"Bash", "Bash Session", "INI", "TOML", "YAML"}


def must_be_tested(language: str) -> bool:
    try:
        name = get_lexer_by_name(language).name
    except ClassNotFound:
        return True
    return name not in MAY_BE_HAND_WRITTEN


SECTION_MARKER = re.compile(r"--8<-- \[(start|end):\w+\]")
INCLUDE = re.compile(r'--8<-- "([^"]+?)(?::[\w-]+)?"')


def mkdocs_config() -> dict:
    """mkdocs.yml as MkDocs reads it (environment variables and plugins resolved)."""
    return load_config(str(ROOT / "mkdocs.yml"))


@dataclass
class Build:
    returncode: int
    output: str
    seconds: float
    site: Path


def _run_build(command: list[str], project: Path, site_dir: Path, environment: dict[str, str]) -> Build:
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=project,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - started
    return Build(result.returncode, result.stdout + result.stderr, seconds, site_dir)


def build_site(site_dir: Path, project: Path = ROOT, **environment: str) -> Build:
    """`mkdocs build --strict` of `project` (the repository or a copy) into `site_dir`."""
    return _run_build(mkdocs_build_command(site_dir), project, site_dir, environment)


def build_with_zensical(project: Path) -> Build:
    """`zensical build --strict` of a copy of the project, into its site/ (Zensical has no --site-dir)."""
    command = [sys.executable, "-m", "zensical", "build", "--strict"]
    return _run_build(command, project, project / "site", {})


# Not part of a copy: history, environments, build output and caches.
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "site",
    ".cache",
    "__pycache__",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
    ".coverage*",
)


def copy_project(destination: Path) -> Path:
    """The working tree without its git history, as in a downloaded archive."""
    shutil.copytree(ROOT, destination, ignore=NOT_COPIED)
    return destination


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


def shown_text(snippet: Path) -> str:
    """A snippet file as a page shows it: section markers dropped."""
    lines = snippet.read_text().splitlines()
    return "\n".join(line for line in lines if not SECTION_MARKER.search(line))


def snippet_texts() -> list[list[str]]:
    """Every file under snippets/, as a page would show it."""
    return [
        _normalize(shown_text(path))
        for path in SNIPPETS.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]


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


def take_census(site: Path) -> Census:
    snippets = snippet_texts()
    inline = [_normalize(example.source) for example in inline_examples(DOCS)]
    census = Census()
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(), "html.parser")
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
                census.untested.append(f"{page.relative_to(site)}: {language} block starting {first!r}")
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
