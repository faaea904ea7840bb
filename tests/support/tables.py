"""Read the bad-input tables the pages show, so the tests assert exactly what a reader sees.

A table is a Markdown pipe table in a file under snippets/, included by a page.
Its cells use a small vocabulary: a code span holds literal text, `(none)`
means the header is not sent or nothing happened, `(empty)` means empty, and
a status cell is a bare number. Columns a table leaves out (a Query, a
Content-Type, a Body) mean none.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from .paths import SNIPPETS

CODE_SPAN = re.compile(r"^`(.*)`$")


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
    """The text a cell stands for: a code span's content, or None for `(none)`."""
    if cell == "(none)":
        return None
    if cell == "(empty)":
        return ""
    match = CODE_SPAN.match(cell)
    if match is None:
        raise ValueError(f"cell {cell!r} is neither a code span, (none) nor (empty)")
    return match.group(1)


@dataclass(frozen=True)
class BadInputRow:
    """One row of a bad-input table: a request's query, Content-Type and body, and each app's status."""

    case: str
    query: str
    content_type: str | None
    body: bytes
    statuses: dict[str, int]  # column heading -> status code
    cells: dict[str, str]  # every cell, for columns a topic reads itself

    def __str__(self) -> str:
        return self.case

    def send(self, client, method: str, path: str):
        headers = {} if self.content_type is None else {"Content-Type": self.content_type}
        url = f"{path}?{self.query}" if self.query else path
        return client.request(method, url, content=self.body, headers=headers)


def read_bad_input_table(path: Path, status_columns: list[str]) -> list[BadInputRow]:
    rows = []
    for row in read_pipe_table(path):
        rows.append(
            BadInputRow(
                case=row["Case"],
                query=literal(row.get("Query", "(empty)")),
                content_type=literal(row.get("Content-Type", "(none)")),
                body=literal(row.get("Body", "(empty)")).encode(),
                statuses={column: int(row[column]) for column in status_columns},
                cells=row,
            )
        )
    return rows


@dataclass(frozen=True)
class BadInputTable:
    """A topic's `bad_input.md`: which endpoint its rows go to, and which app each status column is."""

    topic: str
    method: str
    path: str
    columns: dict[str, str]  # status column heading -> app name

    @property
    def file(self) -> Path:
        return SNIPPETS / self.topic / "bad_input.md"

    def rows(self) -> list[BadInputRow]:
        return read_bad_input_table(self.file, list(self.columns))

    def send(self, row: BadInputRow, client):
        return row.send(client, self.method, self.path)


TABLES = {
    "validation": BadInputTable(
        "validation",
        "POST",
        "/items",
        {
            "FastAPI (article)": "fastapi",
            "FastAPI (robust)": "fastapi_robust",
            "Flask (article)": "flask",
            "Flask (robust)": "flask_robust",
        },
    ),
    "background_tasks": BadInputTable(
        "background_tasks", "POST", "/task", {"FastAPI": "fastapi", "Flask": "flask"}
    ),
}
