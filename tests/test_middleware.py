"""Middleware: the request-ID table on the page, row by row, for both apps."""

import re

import pytest

from support.apps import get_app
from support.clients import in_process_client
from support.paths import SNIPPETS
from support.tables import literal, read_pipe_table

ROWS = read_pipe_table(
    SNIPPETS / "middleware" / "request_ids.md",
    reads=("X-Request-ID sent", "Request", "FastAPI answers with", "Flask answers with"),
)
NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize("framework", ["FastAPI", "Flask"])
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row["Case"])
def test_request_id_header(row, framework):
    sent = literal(row["X-Request-ID sent"])
    method, path = literal(row["Request"]).split(" ", 1)
    headers = {} if sent is None else {"X-Request-ID": sent}
    client = in_process_client(get_app("middleware", framework.lower()))
    answered = client.request(method, path, headers=headers).headers["X-Request-ID"]
    expected = row[f"{framework} answers with"]
    if expected == "the same ID":
        assert answered == sent
    elif expected == "a new ID":
        assert NEW_ID.fullmatch(answered) and answered != sent
    else:
        raise ValueError(f"unknown expectation {expected!r}")
