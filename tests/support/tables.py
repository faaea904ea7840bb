"""Read the tables the pages show, so the tests assert exactly what a reader sees.

A table is a Markdown pipe table in a file under snippets/<topic>/, included
by a page. It is rendered with the Markdown extensions the site uses
(mkdocs.yml) and read from the HTML, so a cell reads as the page shows it: a
`|` inside a code span is text, not a cell border.

Cells: a code span holds literal text, `(none)` means a header not sent (or a
task that never ran), `(empty)` means empty text, and a status cell is a bare
number. Markdown drops the spaces at either end of a code span, so a space
that matters there is written `␣` (`echo:␣`). A Body written as a Python bytes
literal (`b'\\xff'`) is sent as those bytes; any other body as UTF-8 text.

A request table (`bad_input.md`, or another read with `request_rows`) is one
request per row, sent to each app whose status column it has. Every column of
it means something to the tests, so that no column can claim what no test
checks:

- the vocabulary (VOCABULARY): `Case` (or `Step`, in a table replayed in
  order) names the row; `Request` is the request, `` `POST /items?q=1` ``;
  `Body` is its body; `FastAPI`, `Flask`, `Quart`, `FastAPI (robust)`, ... hold the
  status that app answers, "(article)" marking the article's own version
  (the app named for the framework alone);
- a column named like a request header (`Cookie`, `Content-Type`,
  `X-Api-Key`: words of letters and digits joined by `-`, the first a
  capital) is sent as that header;
- any other column is read by the topic's own test module, which declares it
  in TOPIC_COLUMNS, where the generic runners (tests/test_contracts.py,
  tests/test_real_servers.py) see it too.

A table only a topic's test reads (`read_pipe_table`) may have `Case` or
`Step` and the columns that test declares with `reads=` where it reads it.
Any other column is an error naming the file, the column and the vocabulary.
"""

import ast
import contextlib
import functools
import hashlib
import importlib.metadata
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from bs4 import BeautifulSoup, NavigableString, Tag

from harness.apps import SnippetApp, get_app
from harness.project import ROOT, SNIPPETS

from .clients import HttpRequest
from .site import mkdocs_config

BAD_INPUT_TABLE = "bad_input.md"
ROW_NAMES = ("Case", "Step")
# The columns whose meaning this module defines; the module docstring says what each means.
VOCABULARY = (*ROW_NAMES, "Request", "Body", "FastAPI", "Flask", "FastAPI (<variant>)", "Flask (<variant>)")
# Quart's status columns, the async Flask's (the third framework, async-support.md), mean the same.
QUART_COLUMNS = ("Quart", "Quart (<variant>)")
VARIANT = re.compile(r" \(\w+\)$")
APP_COLUMN = re.compile(r"(FastAPI|Flask|Quart)(?: \((\w+)\))?")
HEADER_NAME = re.compile(r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
# Columns of a request table that its topic's own test module reads, by table
# file. The generic runners read every bad_input.md without that module, so
# the declaration is here, where they see it: they accept these columns and
# leave them to the module, which gets only these in `RequestRow.cells`.
TOPIC_COLUMNS: dict[str, tuple[str, ...]] = {
    # tests/test_background_tasks.py
    "background_tasks/bad_input.md": ("FastAPI's task prints", "Flask's task prints"),
    # tests/test_cors.py
    "cors/bad_input.md": ("FastAPI's Access-Control-Allow-Origin", "Flask's Access-Control-Allow-Origin"),
}
# Markdown drops the spaces at either end of a code span, so a space that matters is written so.
VISIBLE_SPACE = "␣"
HOW_TO = "See 'Tables the tests read' in CONTRIBUTING.md."


class Cell(str):
    """A cell's text as the page shows it, with each code span in backticks as written.

    `code` is the code span's text when the cell is exactly one code span, so
    that `literal` needs no parsing and a backtick inside the span is kept.
    """

    code: str | None = None


@functools.cache
def site_markdown() -> markdown.Markdown:
    """A Markdown converter with the site's extensions, so that a table renders as on its page."""
    config = mkdocs_config()
    return markdown.Markdown(
        extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"]
    )


def rendered_table(path: Path, text: str) -> Tag:
    """The one table of a file (its `text`), as the site renders it."""
    converter = site_markdown()
    html = converter.reset().convert(text)
    tables = BeautifulSoup(html, "html.parser").find_all("table")
    if len(tables) != 1:
        raise ValueError(f"{path}: {len(tables)} tables; a table file holds exactly one. {HOW_TO}")
    return tables[0]


def is_code_span(part) -> bool:
    return isinstance(part, Tag) and part.name == "code"


def cell_text(part) -> str:
    """A part of a cell as text; a code span keeps its backticks, so `(none)` in one is not (none)."""
    return f"`{part.get_text()}`" if is_code_span(part) else part.get_text()


def read_cell(element: Tag) -> Cell:
    """The text of a <th> or <td>; `code` set when the cell is a single code span."""
    cell = Cell("".join(cell_text(part) for part in element.children).strip())
    parts = [part for part in element.children if not isinstance(part, NavigableString) or part.strip()]
    if len(parts) == 1 and is_code_span(parts[0]):
        cell.code = parts[0].get_text()
    return cell


def table_rows(path: Path) -> tuple[list[str], list[dict[str, Cell]]]:
    """The headings and the rows ({heading: cell}) of a file's table, unchecked (fresh lists to change)."""
    headings, rows = _parsed_table(path, path.read_text())
    return list(headings), [dict(row) for row in rows]


@functools.cache
def _parsed_table(path: Path, text: str) -> tuple[list[str], list[dict[str, Cell]]]:
    """Rendering a table costs ~0.02 s, and setting up the converter 0.3 s, in every test process:
    once per file and text, and kept in TABLE_CACHE for the next run while nothing it depends on
    changes (the text, mkdocs.yml, the Markdown packages' versions)."""
    cached = TABLE_CACHE / f"{hashlib.sha256(_rendering_inputs() + text.encode()).hexdigest()}.json"
    with contextlib.suppress(OSError, ValueError):
        headings, rows = json.loads(cached.read_text())
        return headings, [{heading: _cell(*cell) for heading, cell in row.items()} for row in rows]
    table = rendered_table(path, text)
    headings = [str(read_cell(heading)) for heading in table.select("thead th")]
    rows = [
        dict(zip(headings, (read_cell(cell) for cell in row.find_all("td")), strict=True))
        for row in table.select("tbody tr")
    ]
    if not rows:
        raise ValueError(f"{path}: the table has a heading row and no rows")
    kept = [headings, [{heading: [str(cell), cell.code] for heading, cell in row.items()} for row in rows]]
    TABLE_CACHE.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}")  # the quick loop's two workers may write it at once
    partial.write_text(json.dumps(kept))
    partial.replace(cached)
    return headings, rows


TABLE_CACHE = ROOT / ".cache" / "tables"
RENDERING_PACKAGES = ("markdown", "pymdown-extensions", "mkdocs", "mkdocs-material")


@functools.cache
def _rendering_inputs() -> bytes:
    """What a table's rendering depends on besides its text."""
    versions = " ".join(f"{name}=={importlib.metadata.version(name)}" for name in RENDERING_PACKAGES)
    return versions.encode() + (ROOT / "mkdocs.yml").read_bytes()


def _cell(text: str, code: str | None) -> Cell:
    cell = Cell(text)
    cell.code = code
    return cell


REQUEST_TABLE_COLUMNS = (
    f"A request table's column is in the vocabulary ({', '.join(VOCABULARY)}), is named like a "
    "request header (Cookie, X-Api-Key), which is then sent, or is one the topic's own test reads, "
    "declared in TOPIC_COLUMNS in tests/support/tables.py."
)
OWN_TABLE_COLUMNS = (
    f"A table only its topic's test reads has {' or '.join(ROW_NAMES)} and the columns that test "
    f"declares where it reads them, read_pipe_table(path, reads=...); the rest of the vocabulary "
    f"({', '.join(VOCABULARY[len(ROW_NAMES) :])}) means something in a request table only."
)


def undeclared_column(path: Path, heading: str, declared: Iterable[str], rule: str) -> ValueError:
    return ValueError(
        f"{path}: column {heading!r} means nothing to the tests, so no test would check it. {rule} "
        f"Declared now: {', '.join(declared) or 'none'}. Rename the column, remove it, or declare it. "
        f"{HOW_TO}"
    )


def check_declared_columns_exist(path: Path, headings: list[str], declared: Iterable[str]) -> None:
    """A declared column the table lacks is a stale declaration: the test would read nothing."""
    missing = [name for name in declared if name not in headings]
    if missing:
        raise ValueError(f"{path}: declared columns {missing} are not in the table {headings}. {HOW_TO}")


def read_pipe_table(path: Path, reads: Iterable[str]) -> list[dict[str, Cell]]:
    """Rows of a table only its topic's test reads: `reads` declares every column the test reads."""
    reads = tuple(reads)
    headings, rows = table_rows(path)
    check_declared_columns_exist(path, headings, reads)
    for heading in headings:
        if heading not in (*ROW_NAMES, *reads):
            raise undeclared_column(path, heading, reads, OWN_TABLE_COLUMNS)
    return rows


def literal(cell: str) -> str | None:
    """The text a cell stands for: a code span's content (␣ a space), "" for `(empty)`, None for `(none)`."""
    if cell == "(none)":
        return None
    if cell == "(empty)":
        return ""
    code = getattr(cell, "code", None)
    if code is None:
        raise ValueError(f"cell {cell!r} is neither a code span, (none) nor (empty). {HOW_TO}")
    return code.replace(VISIBLE_SPACE, " ")


def is_bytes_literal(text: str) -> bool:
    return len(text) > 2 and text[:2] in ("b'", 'b"') and text[-1] == text[1]


def body_bytes(text: str) -> bytes:
    """A Body cell: a bytes literal (`b'\\xff'`) as those bytes, any other text as UTF-8."""
    return ast.literal_eval(text) if is_bytes_literal(text) else text.encode()


def header_value(heading: str, text: str) -> str | bytes:
    """A header cell: a bytes literal as those bytes, sent as they are; other text must be ASCII.

    Servers read header bytes as Latin-1 and a client may send any byte but CR,
    LF and NUL, so a byte over 0x7F is written as the bytes it is, never as a
    character whose encoding would be a guess.
    """
    if is_bytes_literal(text):
        value = ast.literal_eval(text)
        if not isinstance(value, bytes) or set(value) & {0x0A, 0x0D, 0x00}:
            raise ValueError(f"header {heading!r}: {text} must be bytes without CR, LF or NUL")
        return value
    if not text.isascii():
        raise ValueError(
            f"header {heading!r}: {text!r} is not ASCII; write the bytes to send as a bytes literal, "
            f"such as `b'caf\\xe9'` (servers read header bytes as Latin-1)"
        )
    return text


def app_name(heading: str) -> str | None:
    """'FastAPI' -> 'fastapi', 'FastAPI (robust)' -> 'fastapi_robust', 'Flask (article)' -> 'flask'."""
    match = APP_COLUMN.fullmatch(heading)
    if match is None:
        return None
    framework, variant = match.group(1).lower(), match.group(2)
    return framework if variant in (None, "article") else f"{framework}_{variant}"


def in_vocabulary(heading: str) -> bool:
    return VARIANT.sub(" (<variant>)", heading) in (*VOCABULARY, *QUART_COLUMNS)


def is_header_column(heading: str) -> bool:
    """Named like a request header, and not a vocabulary word (`Body` is not a header)."""
    return not in_vocabulary(heading) and HEADER_NAME.fullmatch(heading) is not None


class DeclaredCells(dict):
    """The cells of the columns a topic's test declared; reading another one says how to declare it."""

    def __init__(self, cells: dict[str, Cell], table: str):
        super().__init__(cells)
        self.table = table

    def __missing__(self, heading: str):
        raise KeyError(
            f"{self.table}: column {heading!r} is not declared as read by the topic's test: "
            f"add it to TOPIC_COLUMNS[{self.table!r}] in tests/support/tables.py. {HOW_TO}"
        )


@dataclass(frozen=True)
class RequestRow(HttpRequest):
    """One request of a request table (sent as any HttpRequest is) and the status each app answers."""

    topic: str
    case: str
    statuses: dict[str, int]  # app name -> status
    cells: DeclaredCells = field(repr=False)  # the columns the topic's own test reads (TOPIC_COLUMNS)

    def __str__(self) -> str:
        return f"{self.topic}:{self.case}"

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def takes_input(self) -> bool:
        return bool(self.body or self.headers or "?" in self.target)


def check_request_columns(path: Path, headings: list[str], declared: tuple[str, ...]) -> None:
    check_declared_columns_exist(path, headings, declared)
    for heading in headings:
        if not (in_vocabulary(heading) or is_header_column(heading) or heading in declared):
            raise undeclared_column(path, heading, declared, REQUEST_TABLE_COLUMNS)
    if "Request" not in headings or not set(ROW_NAMES) & set(headings):
        raise ValueError(
            f"{path}: a request table needs a Request column and a Case or Step column. {HOW_TO}"
        )


def request_row(topic: str, key: str, cells: dict[str, Cell], declared: tuple[str, ...]) -> RequestRow:
    method, target = literal(cells["Request"]).split(" ", 1)
    headers = {
        heading: header_value(heading, literal(cell))
        for heading, cell in cells.items()
        if heading not in declared and is_header_column(heading) and literal(cell) is not None
    }
    return RequestRow(
        topic=topic,
        case=str(cells.get("Case") or cells["Step"]),
        method=method,
        target=target,
        headers=headers,
        body=body_bytes(literal(cells.get("Body", "(empty)")) or ""),
        statuses={app_name(heading): int(cell) for heading, cell in cells.items() if app_name(heading)},
        cells=DeclaredCells({heading: cells[heading] for heading in declared}, key),
    )


def request_rows(topic: str, table: str = BAD_INPUT_TABLE, snippets: Path = SNIPPETS) -> list[RequestRow]:
    """The rows of a request table: bad_input.md, or another table in the same format."""
    key = f"{topic}/{table}"
    declared = TOPIC_COLUMNS.get(key, ())
    path = snippets / key
    headings, rows = table_rows(path)
    check_request_columns(path, headings, declared)
    return [checked_row(path, topic, cells, declared) for cells in rows]


def checked_row(path: Path, topic: str, cells: dict[str, Cell], declared: tuple[str, ...]) -> RequestRow:
    """A row as a RequestRow; a cell that breaks the vocabulary is named with its file and row."""
    try:
        return request_row(topic, f"{topic}/{path.name}", cells, declared)
    except ValueError as error:
        name = cells.get("Case") or cells.get("Step")
        raise ValueError(f"{path}: row {name!r}: {error}") from error


def topics_with_tables(snippets: Path = SNIPPETS) -> list[str]:
    return sorted(path.parent.name for path in snippets.glob(f"*/{BAD_INPUT_TABLE}"))


def bad_input_cases() -> list[tuple[RequestRow, SnippetApp]]:
    """Every (row, app) pair of every bad_input.md: the input contract of every app."""
    return [
        (row, get_app(row.topic, name))
        for topic in topics_with_tables()
        for row in request_rows(topic)
        for name in row.statuses
    ]
