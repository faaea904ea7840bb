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

It marks comparison tables for phones (see `mark_table`), code blocks and
the runs of blocks between headings that the browser may skip until they come
near the screen (`mark_code_blocks`, `defer_sections`), and the FastAPI/Flask
tab pairs with their side-by-side button (`mark_pairs`), and it closes gaps
in the heading levels of a page's HTML: the libraries'
docstrings on the API reference pages have `## Example` headings, which
mkdocstrings shifts below their object's heading (an h4 under an h2), and a
screen reader's outline, like Lighthouse's heading-order audit, expects no
level to be skipped.
"""

import re
from html import unescape
from importlib.metadata import version
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from mkdocs.exceptions import PluginError

TESTED_PACKAGES = ("FastAPI", "Starlette", "Pydantic", "Flask", "Werkzeug")
# A repository file named in a code span, not already the text of a link.
REPOSITORY_FILE = re.compile(r"(?<!\[)`((?:tests|snippets|scripts|harness)/[\w./-]+\.\w+)`(?!\])")
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
    return defer_sections(mark_code_blocks(mark_pairs(mark_tables(close_heading_gaps(html)))))


def on_post_page(output: str, page, config, **kwargs) -> str:
    return add_side_by_side_button(output)


# "Side by side" (docs/stylesheets/side-by-side.css, docs/javascripts/side-by-side.js)
# shows the two panels of each tab set labelled exactly FastAPI and Flask next
# to each other. Both the pairs' class and the button are in the page as built:
# added by the script as the page started, the button pushed a long title onto
# a second line and everything under it down (layout shift), and each class
# restyled its tab set.
TAB_SET = re.compile(
    r'<div class="tabbed-set tabbed-alternate"([^>]*)>((?:<input [^>]*>)*)'
    r'<div class="tabbed-labels">((?:<label [^>]*>.*?</label>)*)</div>',
    re.DOTALL,
)
PAIR_LABELS = ["FastAPI", "Flask"]
SIDE_BY_SIDE_BUTTON = (
    '<button type="button" class="side-by-side-toggle" aria-pressed="false"'
    ' title="Show the FastAPI and the Flask code of each example next to each other">'
    "Side by side</button>"
)
CONTENT_START = re.compile(
    r'<article class="md-content__inner md-typeset">'
    r'(?:\s*<a [^>]*class="md-content__button[^"]*"[^>]*>.*?</a>)*',
    re.DOTALL,
)


def mark_pairs(html: str) -> str:
    """Give each tab set labelled exactly FastAPI and Flask the class "side-by-side-pair"."""

    def mark(match: re.Match) -> str:
        labels = sorted(
            unescape(TAG.sub("", label)).strip()
            for label in re.findall(r"<label [^>]*>(.*?)</label>", match[3], re.DOTALL)
        )
        if labels != PAIR_LABELS:
            return match[0]
        return match[0].replace(
            'class="tabbed-set tabbed-alternate"', 'class="tabbed-set tabbed-alternate side-by-side-pair"', 1
        )

    return TAB_SET.sub(mark, html)


def add_side_by_side_button(output: str) -> str:
    """A built page with a pair gets the toggle after Material's edit button (both float right, and
    the edit button stays outermost); a page without one is left as it is."""
    if 'class="tabbed-set tabbed-alternate side-by-side-pair"' not in output:
        return output
    start = CONTENT_START.search(output)
    if start is None:
        raise PluginError('side by side: the page has no <article class="md-content__inner md-typeset">')
    return output[: start.end()] + SIDE_BY_SIDE_BUTTON + output[start.end() :]


# Comparison tables a reader can use on a phone (docs/stylesheets/tables.css
# lays out what this marks), done when the page is built so that the browser
# lays each table out once, and so that the table files under snippets/, which
# the tests send, keep bare cells:
# - every cell is labelled with its column's header (data-label), its content
#   in one box, and a table of three or more shown columns gets data-stacked:
#   under 60em each row becomes a card, so no column is ever off-screen;
# - a column that holds the same text in every row of a table of three or more
#   rows (a Request the whole table sends, say) is said once above the table,
#   and its cells are hidden, not removed; a framework's own column stays, since
#   its value is what the table compares;
# - a cell that is a 5xx status, in a column of statuses (a framework's answer
#   or a Status column; a count of 512 is no error), gets the words "server
#   error", so it stands out in text and not only by colour;
# - code in a cell breaks only between its tokens (keep_tokens_whole).
TABLE = re.compile(r"<table>.*?</table>", re.DOTALL)
FRAMEWORK_COLUMN = re.compile(r"^(FastAPI|Flask|Quart)\b")
SERVER_ERROR = re.compile(r"^5\d\d$")
STATUS_COLUMN = re.compile(r"^(FastAPI|Flask|Quart)\b|\bstatus\b", re.IGNORECASE)
MIN_ROWS_TO_FOLD = 3
MIN_COLUMNS_TO_STACK = 3
FITS_A_PHONE = 36  # characters of code a 375 px screen shows on one line


def mark_table(html: str) -> str:
    """One rendered Markdown table, marked for reading on a phone (see above)."""
    soup = BeautifulSoup(html, "html.parser")
    table = soup.table
    headers = table.select(":scope > thead > tr > th")
    rows = [row.find_all("td", recursive=False) for row in table.select(":scope > tbody > tr")]
    if not headers or any(len(cells) != len(headers) for cells in rows):
        return html
    names = [header.get_text(strip=True) for header in headers]
    folded = []
    if len(rows) >= MIN_ROWS_TO_FOLD:
        for column in range(1, len(headers)):
            texts = {cells[column].get_text(strip=True) for cells in rows}
            if FRAMEWORK_COLUMN.match(names[column]) or len(texts) != 1 or texts == {""}:
                continue
            if len(headers) - len(folded) <= MIN_COLUMNS_TO_STACK - 1:
                break
            folded.append(column)
    for column in folded:
        for cell in [headers[column], *(cells[column] for cells in rows)]:
            cell["class"] = [*cell.get("class", []), "folded"]
    for code in table.select("td code, th code"):
        keep_tokens_whole(soup, code)
    for cells in rows:
        for column, cell in enumerate(cells):
            if STATUS_COLUMN.search(names[column]) and SERVER_ERROR.match(cell.get_text(strip=True)):
                cell["class"] = [*cell.get("class", []), "server-error"]
                flag = soup.new_tag("span", attrs={"class": "server-error-flag"})
                flag.string = "server error"
                cell.append(" ")
                cell.append(flag)
            cell["data-label"] = names[column]
            value = soup.new_tag("span", attrs={"class": "cell-value"})
            value.extend(list(cell.contents))
            cell.append(value)
    if len(headers) - len(folded) >= MIN_COLUMNS_TO_STACK:
        table["data-stacked"] = ""
    note = ""
    if folded:
        said = "; ".join(
            f"<strong>{names[column]}</strong> {rows[0][column].select_one('.cell-value').decode_contents()}"
            for column in folded
        )
        note = f'<p class="table-constant">In every row: {said}.</p>\n'
    return note + str(table)


def keep_tokens_whole(soup: BeautifulSoup, code) -> None:
    """Each run of non-space characters of a code span in its own unbreakable span.

    CSS alone cannot say "break between tokens only": `keep-all` still breaks
    after a hyphen or a slash ("--no-access-log", "/items?offset=2"), and
    `nowrap` on the whole span makes a long one wider than a phone.
    """
    if code.find(True) is not None:  # already marked up: leave it as written
        return
    parts = re.split(r"(\s+)", code.get_text())
    code.clear()
    for part in parts:
        if part and not part.isspace():
            # A token no phone can show on one line (a JWT, a multipart body)
            # scrolls inside its own box, which a keyboard can then scroll.
            attrs = (
                {"class": "whole long", "tabindex": "0"} if len(part) > FITS_A_PHONE else {"class": "whole"}
            )
            whole = soup.new_tag("span", attrs=attrs)
            whole.string = part
            code.append(whole)
        elif part:
            code.append(part)


def mark_tables(html: str) -> str:
    return TABLE.sub(lambda match: mark_table(match.group(0)), html)


# Code blocks, marked when the page is built:
# - a block whose lines may be wider than a phone scrolls sideways, and a
#   keyboard user can scroll it only if it takes focus. Material gives it
#   tabindex="0" when it sets the block up, which with `content.lazy` is when
#   the block first scrolls into view; until then every block with a line that
#   may not fit a 375 px screen takes focus from the start. Material drops the
#   attribute where the block turns out to fit.
# - a block gets class "deferred" and its line count (--lines), and
#   docs/stylesheets/rendering.css lets the browser skip its style and layout
#   until it comes near the screen (content-visibility), sized meanwhile from
#   that count. Material restyles the whole page several times while it starts
#   (its palette and scroll watchers), and on a long page the code blocks were
#   most of what it restyled, a phone's longest task. A block with code
#   annotations is left alone: their tooltips reach outside the block, which
#   the skipping would clip.
CODE_BLOCK = re.compile(r"<pre><span></span><code>(.*?)</code>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")
ANNOTATION = re.compile(r"(#|//)\s*\(\d+\)")


def mark_code_blocks(html: str) -> str:
    def mark(match: re.Match) -> str:
        code = match.group(1)
        lines = unescape(TAG.sub("", code)).removesuffix("\n").splitlines() or [""]
        pre = "<pre>"
        if not ANNOTATION.search(TAG.sub("", code)):
            pre = f'<pre class="deferred" style="--lines: {len(lines)}">'
        focus = ' tabindex="0"' if max(len(line) for line in lines) > FITS_A_PHONE else ""
        return f"{pre}<span></span><code{focus}>{code}</code>"

    return CODE_BLOCK.sub(mark, html)


# A page below its first screen, marked when the page is built: after the
# first top-level h2 or h3, each run of top-level blocks between headings goes
# in a <div class="deferred-section">, and docs/stylesheets/rendering.css lets
# the browser skip its style and layout while it is far from the screen.
# Material restyles and measures the page several times as it starts, and the
# tables and prose further down were much of that work on a phone. The
# headings stay outside, where Material's table of contents measures them. So
# do blocks with tab sets: Material finds the tab to switch to by its label's
# innerText, which is empty while the browser skips it, so linked tabs would
# not follow the reader's choice there. A block with code annotations stays outside too
# (their tooltips may reach past a run, which the skipping would clip), with
# the list of notes right after it: Material turns `# (1)!` into a marker only
# when that list is the block's next element. A page whose headings are not
# all at the top (the API reference) is left as it is.
HEADINGS = ("h2", "h3")


def holds_tabs(block: Tag) -> bool:
    return "tabbed-set" in block.get("class", []) or block.select_one(".tabbed-set") is not None


def defer_sections(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    blocks = [child for child in soup.children if isinstance(child, Tag)]
    if not blocks or len(soup.find_all(HEADINGS)) != sum(block.name in HEADINGS for block in blocks):
        return html
    line_starts = [0, *(match.end() for match in re.finditer("\n", html))]
    starts = [line_starts[block.sourceline - 1] + block.sourcepos for block in blocks]
    ends = [*starts[1:], len(html)]
    parts, run, seen_heading = [html[: starts[0]]], [], False

    def close_run() -> None:
        if run:
            parts.append('<div class="deferred-section">\n' + "".join(run) + "</div>\n")
            run.clear()

    notes_follow = False  # the block before was annotated code: a list right after holds its notes
    for block, begin, end in zip(blocks, starts, ends, strict=True):
        text = html[begin:end]
        annotated = bool(ANNOTATION.search(TAG.sub("", text)))
        if block.name in HEADINGS:
            close_run()
            seen_heading = True
            parts.append(text)
        elif not seen_heading or holds_tabs(block) or annotated or (notes_follow and block.name == "ol"):
            close_run()
            parts.append(text)
        else:
            run.append(text)
        notes_follow = annotated
    close_run()
    return "".join(parts)
