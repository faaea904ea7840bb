"""MkDocs hook: the versions the examples were tested with on every page, and links to the proof.

The versions are read from the installed packages when the site is built, and
the environment is installed from requirements.txt, so the pins are the single
source and no version is typed by hand.

A page names the test or file that proves a claim as a code span, such as
`tests/test_routing.py`; the hook turns each one outside code blocks into a
link to that file in the repository (`repo_url`), and fails the build when
the file does not exist, so a renamed test cannot leave a dead proof behind.
Builders that do not run MkDocs hooks (Zensical) show the versions line no
more, and the names as plain code.

It also closes gaps in the heading levels of a page's HTML: the libraries'
docstrings on the API reference pages have `## Example` headings, which
mkdocstrings shifts below their object's heading (an h4 under an h2), and a
screen reader's outline, like Lighthouse's heading-order audit, expects no
level to be skipped.
"""

import re
from importlib.metadata import version
from pathlib import Path

from mkdocs.exceptions import PluginError

TESTED_PACKAGES = ("FastAPI", "Starlette", "Pydantic", "Flask", "Werkzeug")
# A repository file named in a code span, not already the text of a link.
REPOSITORY_FILE = re.compile(r"(?<!\[)`((?:tests|snippets|scripts)/[\w./-]+\.\w+)`(?!\])")
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"<(/?)h([1-6])\b")


def tested_versions() -> dict[str, str]:
    return {name: version(name.lower()) for name in TESTED_PACKAGES}


def versions_line() -> str:
    listed = ", ".join(f"{name} {number}" for name, number in tested_versions().items())
    return f"Examples tested with {listed}."


def link_repository_files(markdown: str, repo_url: str, root: Path, page: str) -> str:
    """Each `tests/...`, `snippets/...` or `scripts/...` code span outside a code block, as a link."""

    def link(match: re.Match) -> str:
        path = match.group(1)
        if not (root / path).is_file():
            raise PluginError(f"{page} names {path}, which does not exist in the repository")
        return f"[`{path}`]({repo_url.rstrip('/')}/blob/main/{path})"

    lines, fence = [], None
    for line in markdown.split("\n"):
        opening = FENCE.match(line)
        if opening and fence is None:
            fence = opening.group(1)
        elif opening and opening.group(1) == fence:
            fence = None
        elif fence is None:
            line = REPOSITORY_FILE.sub(link, line)
        lines.append(line)
    return "\n".join(lines)


def on_page_markdown(markdown: str, page, config, **kwargs) -> str:
    root = Path(config["config_file_path"]).parent
    markdown = link_repository_files(markdown, config["repo_url"], root, page.file.src_path)
    return f'{markdown}\n\n<p class="tested-versions" markdown>{versions_line()}</p>\n'


def close_heading_gaps(html: str) -> str:
    """Each heading at most one level below the one before it; the relative order is kept."""
    levels: list[int] = []  # the new level of each heading opened so far, to close it alike
    previous = 1

    def renumber(tag: re.Match) -> str:
        nonlocal previous
        closing, level = tag.group(1), int(tag.group(2))
        if closing:
            return f"</h{levels.pop()}"
        previous = min(level, previous + 1)
        levels.append(previous)
        return f"<h{previous}"

    return HEADING.sub(renumber, html)


def on_page_content(html: str, page, config, **kwargs) -> str:
    return close_heading_gaps(html)
