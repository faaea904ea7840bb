"""Read the bad-input tables the pages show, so the tests assert exactly what a reader sees.

A table is a Markdown pipe table in a file under snippets/, included by a page.
Its cells use a small vocabulary: a code span holds literal text, `(none)`
means the header is not sent, `(empty)` means an empty body, and a status
cell is a bare number.
"""

import re
from dataclasses import dataclass
from pathlib import Path

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
    """One row of a bad-input table: a request body, its Content-Type, and each app's status."""

    case: str
    content_type: str | None
    body: bytes
    statuses: dict[str, int]  # column heading -> status code

    def __str__(self) -> str:
        return self.case


def read_bad_input_table(path: Path, status_columns: list[str]) -> list[BadInputRow]:
    rows = []
    for row in read_pipe_table(path):
        rows.append(
            BadInputRow(
                case=row["Case"],
                content_type=literal(row["Content-Type"]),
                body=literal(row["Body"]).encode(),
                statuses={column: int(row[column]) for column in status_columns},
            )
        )
    return rows
