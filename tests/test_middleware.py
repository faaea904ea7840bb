"""Middleware: the request-ID table on the page, row by row, for both apps; and what an unhandled
exception leaves of it (the crash variants: FastAPI's 500 loses the header, Flask's keeps it)."""

import re

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from harness.apps import get_app
from harness.project import SNIPPETS
from support.clients import in_process_client
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


FASTAPI_CRASH = get_app("middleware", "fastapi_crash")
FLASK_CRASH = get_app("middleware", "flask_crash")
SENT_ID = {"X-Request-ID": "order-42"}


def test_fastapi_answers_an_unhandled_exception_without_the_middleware_header():
    """Starlette's ServerErrorMiddleware, outside all user middleware, writes the 500 as plain text."""
    client = in_process_client(FASTAPI_CRASH)
    assert client.get("/nowhere", headers=SENT_ID).headers["X-Request-ID"] == "order-42"
    crashed = client.get("/crash", headers=SENT_ID)
    assert (crashed.status_code, crashed.headers["content-type"], crashed.text) == (
        500,
        "text/plain; charset=utf-8",
        "Internal Server Error",
    )
    assert "X-Request-ID" not in crashed.headers


def test_an_exception_handler_for_exception_does_not_bring_the_header_back():
    """A handler for `Exception` is installed in that same outermost layer, so its 500 misses it too."""
    app = FastAPI()
    app.middleware("http")(FASTAPI_CRASH.module.add_request_id)
    app.get("/crash")(FASTAPI_CRASH.module.crash)

    @app.exception_handler(Exception)
    async def internal_error(request, exc):
        return JSONResponse({"detail": "Internal error"}, status_code=500)

    crashed = TestClient(app, raise_server_exceptions=False).get("/crash", headers=SENT_ID)
    assert (crashed.status_code, crashed.json()) == (500, {"detail": "Internal error"})
    assert "X-Request-ID" not in crashed.headers


def test_flask_runs_after_request_on_the_500_of_an_unhandled_exception():
    """With the default configuration Flask handles the exception itself, then finishes the request."""
    crashed = in_process_client(FLASK_CRASH).get("/crash", headers=SENT_ID)
    assert (crashed.status_code, crashed.headers["content-type"]) == (500, "text/html; charset=utf-8")
    assert crashed.headers["X-Request-ID"] == "order-42"


@pytest.mark.parametrize("setting", ["DEBUG", "TESTING", "PROPAGATE_EXCEPTIONS"])
def test_flask_propagates_the_exception_in_debug_or_testing_mode(monkeypatch, setting):
    """Then there is no 500 for after_request to see: the exception leaves the app (to the debugger)."""
    monkeypatch.setitem(FLASK_CRASH.app.config, setting, True)
    finished = []
    hooks = FLASK_CRASH.app.after_request_funcs
    monkeypatch.setitem(hooks, None, [*hooks[None], lambda response: finished.append(response) or response])
    with pytest.raises(RuntimeError, match="a bug no handler expects"):
        in_process_client(FLASK_CRASH).get("/crash", headers=SENT_ID)
    assert finished == []
