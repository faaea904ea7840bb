"""Read the tables the pages show, so the tests assert exactly what a reader sees.

A table is a Markdown pipe table in a file under snippets/<topic>/, included
by a page. Its cells use a small vocabulary: a code span holds literal text,
`(none)` means a header not sent (or a task that never ran), `(empty)` means
empty, and a status cell is a bare number. A Body written as a Python bytes
literal (`b'\\xff'`) is sent as those bytes; any other body as UTF-8 text.

`bad_input.md` is a topic's contract for input: each row is a request
(a `Request` cell such as `POST /items`, optional header columns such as
`Content-Type`, `Authorization` or `Origin`, and an optional `Body`),
and each column headed `FastAPI`, `Flask`, `FastAPI (robust)`, ... holds the
status that app answers. "(article)" marks the article's own version.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from .apps import SnippetApp, get_app
from .paths import SNIPPETS

CODE_SPAN = re.compile(r"^`(.*)`$")
APP_COLUMN = re.compile(r"(FastAPI|Flask)(?: \((\w+)\))?")
BAD_INPUT_TABLE = "bad_input.md"
# Columns that hold a request header; a `(none)` cell means the header is not sent.
HEADER_COLUMNS = ("Content-Type", "Authorization", "Origin", "Access-Control-Request-Method")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_pipe_table(path: Path) -> list[dict[str, str]]:
    """Rows of the first pipe table in the file, as {column heading: cell}."""
    lines = [line for line in path.read_text().splitlines() if line.startswith("|")]
    if len(lines) < 3 or not set(lines[1]) <= set("|-: "):
        raise ValueError(f"{path}: no pipe table with a heading row")
    headings = _cells(lines[0])
    rows = []
    for number, line in enumerate(lines[2:], start=3):
        cells = _cells(line)
        if len(cells) != len(headings):
            raise ValueError(f"{path}: table row {number} has {len(cells)} cells, not {len(headings)}")
        rows.append(dict(zip(headings, cells, strict=True)))
    return rows


def literal(cell: str) -> str | None:
    """The text a cell stands for: a code span's content, "" for `(empty)`, None for `(none)`."""
    if cell == "(none)":
        return None
    if cell == "(empty)":
        return ""
    match = CODE_SPAN.match(cell)
    if match is None:
        raise ValueError(f"cell {cell!r} is neither a code span, (none) nor (empty)")
    return match.group(1)


def body_bytes(text: str) -> bytes:
    if text.startswith("b'") and text.endswith("'"):
        return ast.literal_eval(text)
    return text.encode()


def app_name(heading: str) -> str | None:
    """'FastAPI' -> 'fastapi', 'FastAPI (robust)' -> 'fastapi_robust', 'Flask (article)' -> 'flask'."""
    match = APP_COLUMN.fullmatch(heading)
    if match is None:
        return None
    framework, variant = match.group(1).lower(), match.group(2)
    return framework if variant in (None, "article") else f"{framework}_{variant}"


@dataclass(frozen=True)
class BadInputRow:
    """One request of a bad-input table and the status each app answers."""

    topic: str
    case: str
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    statuses: dict[str, int]  # app name -> status
    cells: dict[str, str] = field(repr=False)  # every cell, for columns a topic reads itself

    def __str__(self) -> str:
        return f"{self.topic}:{self.case}"

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def send(self, client):
        return client.request(self.method, self.target, content=self.body, headers=self.headers)

    @property
    def takes_input(self) -> bool:
        return bool(self.body or self.headers or "?" in self.target)


def bad_input_rows(topic: str, table: str = BAD_INPUT_TABLE) -> list[BadInputRow]:
    """The rows of a request table: bad_input.md, or another table in the same format."""
    rows = []
    for cells in read_pipe_table(SNIPPETS / topic / table):
        method, target = literal(cells["Request"]).split(" ", 1)
        statuses = {app_name(heading): int(cell) for heading, cell in cells.items() if app_name(heading)}
        rows.append(
            BadInputRow(
                topic=topic,
                case=cells.get("Case") or cells["Step"],
                method=method,
                target=target,
                headers={
                    name: literal(cells[name])
                    for name in HEADER_COLUMNS
                    if name in cells and literal(cells[name]) is not None
                },
                body=body_bytes(literal(cells.get("Body", "(empty)"))),
                statuses=statuses,
                cells=cells,
            )
        )
    return rows


def topics_with_tables() -> list[str]:
    return sorted(path.parent.name for path in SNIPPETS.glob(f"*/{BAD_INPUT_TABLE}"))


def bad_input_cases() -> list[tuple[BadInputRow, SnippetApp]]:
    """Every (row, app) pair of every table: the input contract of every app."""
    return [
        (row, get_app(row.topic, name))
        for topic in topics_with_tables()
        for row in bad_input_rows(topic)
        for name in row.statuses
    ]


def robust_endpoints() -> list[tuple[SnippetApp, str, str]]:
    """(app, method, path) of every input-taking endpoint whose table never shows it answering 5xx."""
    endpoints = set()
    for topic in topics_with_tables():
        rows = bad_input_rows(topic)
        for name in rows[0].statuses:
            if all(row.statuses[name] < 500 for row in rows):
                endpoints |= {(get_app(topic, name), row.method, row.path) for row in rows if row.takes_input}
    return sorted(endpoints, key=str)
