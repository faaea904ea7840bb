"""Hardening: what the client address and scheme are behind a proxy, security headers on every
answer, the rate limit's 429, and the body limit's 413, in process and over real sockets.

The shown exchange and the bad-input table (tests/test_contracts.py,
tests/test_real_servers.py) hold the statuses. This module holds the rest:

- proxies.md, row by row, under the server command each row names: the
  address and scheme the app sees, from a peer the server trusts (127.0.0.1,
  where the tests connect from) and from one it does not;
- the security headers on the answer to every row of bad_input.md, 3xx, 4xx
  and the 500 of a bug included; Strict-Transport-Security over HTTPS only; a
  header the endpoint set itself kept; why FastAPI's middleware wraps the
  whole stack (with `app.add_middleware` the 500 and the 413 lose the
  headers); the servers' own 400 has none;
- three requests a minute, then 429 with Retry-After; one budget per client
  only when the proxy is believed;
- a body over 1 MiB refused with 413 before it is read: a Content-Length of
  1 GB followed by four bytes is answered at once; a chunked body is counted by
  FastAPI and cut at the limit by Werkzeug.
"""

import json
import re
import socket
import time

import httpx2
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from flask import Flask, request
from flask_limiter import Limiter as FlaskLimiter
from flask_limiter.util import get_remote_address as flask_remote_address
from slowapi import Limiter as SlowAPILimiter
from slowapi import _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded
from slowapi.util import get_remote_address as slowapi_remote_address
from werkzeug.test import EnvironBuilder

from harness.apps import get_app
from harness.project import SNIPPETS
from harness.servers import HOST, Server, ShownCommand, serves
from support.clients import WSGIServerTransport, in_process_client, socket_client
from support.tables import literal, read_pipe_table, request_rows

FASTAPI = get_app("hardening", "fastapi")
FLASK = get_app("hardening", "flask")
APPS = [FASTAPI, FLASK]
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
HSTS = "Strict-Transport-Security"
LIMIT = 1024 * 1024  # the page's claim: 1 MiB, the whole body
RATE = 3  # requests a minute to GET /report


def on_both(marks=lambda app: ()):
    return pytest.mark.parametrize("app", [pytest.param(app, marks=marks(app)) for app in APPS], ids=str)


def on_both_servers():
    return on_both(lambda app: serves(Server(app)))


def assert_security_headers(headers) -> None:
    assert {name: headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS


def assert_no_security_headers(headers) -> None:
    assert [name for name in SECURITY_HEADERS if name in headers] == []


# Behind a proxy ----------------------------------------------------------------------------

PROXY_HEADERS = ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Ssl")
PROXY_ROWS = read_pipe_table(
    SNIPPETS / "hardening" / "proxies.md",
    reads=("Command", *PROXY_HEADERS, "Client the app sees", "Scheme the app sees"),
)


def sent_headers(row) -> dict[str, str]:
    return {name: literal(row[name]) for name in PROXY_HEADERS if literal(row[name]) is not None}


@pytest.mark.parametrize(
    "row",
    [pytest.param(row, marks=serves(ShownCommand(literal(row["Command"])))) for row in PROXY_ROWS],
    ids=lambda row: row["Case"],
)
def test_the_app_sees_the_client_and_scheme_the_table_says(served, row):
    """Sent from 127.0.0.1: a trusted peer by default for uvicorn; ProxyFix trusts any peer."""
    command = literal(row["Command"])
    assert HOST in command, "commands on the page bind to loopback only"
    with socket_client(served[ShownCommand(command)].base_url) as client:
        response = client.get("/client", headers=sent_headers(row))
    seen = (literal(row["Client the app sees"]), literal(row["Scheme the app sees"]))
    assert (response.json()["client"], response.json()["scheme"]) == seen
    # HSTS follows the scheme the app believes: the proxy configuration decides it too.
    assert (HSTS in response.headers) == (seen[1] == "https")


UVICORN_TRUSTING_LOOPBACK = ShownCommand(literal(PROXY_ROWS[0]["Command"]))
UVICORN_TRUSTING_ANOTHER_PEER = ShownCommand(
    literal(next(row for row in PROXY_ROWS if "--forwarded-allow-ips" in row["Command"])["Command"])
)


def statuses_for_clients(client, clients: list[str]) -> list[int]:
    return [client.get("/report", headers={"X-Forwarded-For": each}).status_code for each in clients]


@serves(UVICORN_TRUSTING_LOOPBACK, UVICORN_TRUSTING_ANOTHER_PEER)
def test_fastapi_clients_share_one_budget_when_uvicorn_does_not_trust_the_proxy(served):
    """slowapi keys on the address the app sees: the proxy's, when uvicorn ignores the header."""
    clients = [f"203.0.113.{number}" for number in range(1, RATE + 2)]
    with socket_client(served[UVICORN_TRUSTING_LOOPBACK].base_url) as client:
        assert statuses_for_clients(client, clients) == [200] * (RATE + 1)
    with socket_client(served[UVICORN_TRUSTING_ANOTHER_PEER].base_url) as client:
        assert statuses_for_clients(client, clients) == [200] * RATE + [429]


def test_flask_clients_share_one_budget_without_proxyfix(fresh_limits):
    """Flask-Limiter keys on request.remote_addr: the proxy's address, until ProxyFix rewrites it."""
    clients = [f"203.0.113.{number}" for number in range(1, RATE + 2)]
    assert statuses_for_clients(in_process_client(FLASK), clients) == [200] * (RATE + 1)
    without_proxyfix = FLASK.app.wsgi_app.app  # Flask's own wsgi_app, which ProxyFix wraps
    client = httpx2.Client(transport=WSGIServerTransport(without_proxyfix), base_url="http://testserver")
    assert statuses_for_clients(client, clients) == [200] * RATE + [429]


# Security headers --------------------------------------------------------------------------

ROWS = request_rows("hardening")
ROW_CASES = [(row, app) for row in ROWS for app in APPS]


@pytest.mark.parametrize(("row", "app"), ROW_CASES, ids=str)
def test_every_answer_has_the_security_headers(row, app):
    """Every status class of the table: 2xx, FastAPI's 307, 4xx, and the 500 of a bug."""
    response = row.send(in_process_client(app))
    assert response.status_code == row.statuses[app.name]
    assert_security_headers(response.headers)


@pytest.mark.parametrize(
    ("row", "app"),
    [
        pytest.param(row, app, marks=serves(Server(app)))
        for row, app in ROW_CASES
        if row.statuses[app.name] >= 500
    ],
    ids=str,
)
def test_the_500_has_the_security_headers_over_a_socket(served, row, app):
    with socket_client(served[Server(app)].base_url) as client:
        response = row.send(client)
    assert response.status_code == 500
    assert_security_headers(response.headers)


@on_both()
def test_hsts_is_sent_over_https_only(app):
    client = in_process_client(app)
    assert HSTS not in client.get("http://testserver/client").headers
    assert client.get("https://testserver/client").headers[HSTS] == "max-age=63072000; includeSubDomains"


OWN_POLICY = "default-src 'self'"


def test_a_header_the_endpoint_set_is_kept():
    """`setdefault`: a page that needs its own Content-Security-Policy keeps it, in both frameworks."""
    fastapi_app = FastAPI()
    fastapi_app.get("/page")(lambda: Response(headers={"Content-Security-Policy": OWN_POLICY}))
    flask_app = Flask(__name__)
    flask_app.after_request(FLASK.module.add_security_headers)
    flask_app.get("/page")(lambda: ("", {"Content-Security-Policy": OWN_POLICY}))
    for client in (TestClient(FASTAPI.module.SecurityHeaders(fastapi_app)), flask_app.test_client()):
        headers = client.get("/page").headers
        assert (headers["Content-Security-Policy"], headers["X-Content-Type-Options"]) == (
            OWN_POLICY,
            "nosniff",
        )


def test_add_middleware_would_miss_the_500_and_the_413():
    """The same middleware added the usual way runs inside ServerErrorMiddleware and the body limit."""
    module = FASTAPI.module
    app = FastAPI(max_body_size=LIMIT)
    app.add_middleware(module.SecurityHeaders)
    app.get("/crash")(module.crash)
    app.post("/notes")(module.add_note)
    client = TestClient(app, raise_server_exceptions=False)
    assert_security_headers(client.get("/nowhere").headers)
    crashed = client.get("/crash")
    too_large = client.post("/notes", content=note_of_size(LIMIT + 1), headers=JSON)
    assert (crashed.status_code, too_large.status_code) == (500, 413)
    for response in (crashed, too_large):
        assert_no_security_headers(response.headers)


def test_swagger_ui_loads_a_script_the_policy_forbids():
    """Why the FastAPI app turns /docs off: the page's script comes from another origin."""
    docs = TestClient(FastAPI()).get("/docs").text
    assert re.search(r'<script src="https://cdn\.jsdelivr\.net/', docs)
    assert "default-src 'none'" in SECURITY_HEADERS["Content-Security-Policy"]
    assert in_process_client(FASTAPI).get("/docs").status_code == 404


def exchange_over_a_socket(base_url: str, head: bytes, body: bytes = b"", timeout: float = 5) -> tuple:
    """Send `head` and `body` on a raw socket; (seconds until the answer's head arrived, status, headers)."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        started = time.monotonic()
        connection.sendall(head + body)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
        seconds = time.monotonic() - started
    status_line, *header_lines = received.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return seconds, int(status_line.split(" ")[1]), httpx2.Headers(headers)


@on_both_servers()
def test_the_servers_own_400_has_no_security_headers(served, app):
    """A request the server cannot parse never reaches the app: uvicorn and gunicorn answer it."""
    _, status, headers = exchange_over_a_socket(served[Server(app)].base_url, b"NOT HTTP\r\n\r\n")
    assert status == 400
    assert_no_security_headers(headers)


# Rate limits -------------------------------------------------------------------------------


@pytest.fixture
def fresh_limits():
    """Both apps' in-memory counters emptied: every in-process test of the session shares them."""
    for app in APPS:
        app.module.limiter.reset()


def retry_after_seconds(response) -> int:
    assert re.fullmatch(r"\d+", response.headers["Retry-After"]), response.headers["Retry-After"]
    return int(response.headers["Retry-After"])


@on_both()
def test_the_fourth_request_in_a_minute_is_refused_with_retry_after(app, fresh_limits):
    client = in_process_client(app)
    answers = [client.get("/report") for _ in range(RATE + 1)]
    assert [answer.status_code for answer in answers] == [200] * RATE + [429]
    assert answers[0].json() == {"report": "ready"}
    assert 0 < retry_after_seconds(answers[-1]) <= 60
    assert_security_headers(answers[-1].headers)


def default_slowapi_app() -> FastAPI:
    app = FastAPI()
    app.state.limiter = limiter = SlowAPILimiter(key_func=slowapi_remote_address)
    app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)

    @app.get("/report")
    @limiter.limit(f"{RATE}/minute")
    async def report(request: Request):
        return {"report": "ready"}

    return app


def default_flask_limiter_app() -> Flask:
    app = Flask(__name__)
    limiter = FlaskLimiter(flask_remote_address, app=app, storage_uri="memory://")
    app.get("/report")(limiter.limit(f"{RATE} per minute")(lambda: {"report": "ready"}))
    return app


@pytest.mark.parametrize(
    "make_app", [default_slowapi_app, default_flask_limiter_app], ids=["slowapi", "Flask-Limiter"]
)
def test_without_headers_enabled_the_429_has_no_retry_after(make_app):
    app = make_app()
    client = TestClient(app) if isinstance(app, FastAPI) else app.test_client()
    answers = [client.get("/report") for _ in range(RATE + 1)]
    assert [answer.status_code for answer in answers] == [200] * RATE + [429]
    assert "Retry-After" not in answers[-1].headers


@on_both_servers()
def test_the_limit_holds_under_the_production_server(served, app):
    with socket_client(served[Server(app)].base_url) as client:
        answers = [client.get("/report") for _ in range(RATE + 1)]
    assert [answer.status_code for answer in answers] == [200] * RATE + [429]
    assert 0 < retry_after_seconds(answers[-1]) <= 60


# Body size ---------------------------------------------------------------------------------

JSON = {"Content-Type": "application/json"}


def note_of_size(size: int) -> bytes:
    """A JSON note whose whole body is `size` bytes."""
    framing = len(json.dumps({"text": ""}))
    return json.dumps({"text": "a" * (size - framing)}).encode()


@on_both()
def test_a_body_over_the_limit_is_refused_with_413(app):
    client = in_process_client(app)
    at_limit = client.post("/notes", content=note_of_size(LIMIT), headers=JSON)
    over = client.post("/notes", content=note_of_size(LIMIT + 1), headers=JSON)
    assert (at_limit.status_code, over.status_code) == (200, 413)
    assert_security_headers(over.headers)


HUGE_HEAD = (
    b"POST /notes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 1000000000\r\n\r\n"
)


@pytest.mark.timing
@on_both_servers()
def test_a_declared_body_over_the_limit_is_refused_at_once(served, app):
    """1 GB declared, four bytes sent: a server that waited for the body would time out (5 s)."""
    seconds, status, headers = exchange_over_a_socket(served[Server(app)].base_url, HUGE_HEAD, b'{"te')
    assert status == 413
    assert seconds < 2
    assert_security_headers(headers)


def chunked(body: bytes, size: int = 64 * 1024) -> bytes:
    return (
        b"".join(
            b"%x\r\n%s\r\n" % (len(body[at : at + size]), body[at : at + size])
            for at in range(0, len(body), size)
        )
        + b"0\r\n\r\n"
    )


CHUNKED_HEAD = (
    b"POST /notes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n"
)


@on_both_servers()
def test_a_chunked_body_over_the_limit(served, app):
    """No Content-Length to refuse up front: FastAPI counts the bytes and answers 413; Werkzeug
    stops reading at the limit, so get_json() sees JSON cut short and Flask answers 400."""
    _, status, _ = exchange_over_a_socket(
        served[Server(app)].base_url, CHUNKED_HEAD, chunked(note_of_size(LIMIT + 1))
    )
    assert status == {"fastapi": 413, "flask": 400}[app.framework]


# Bodies FastAPI's own 422 handler cannot echo back (fastapi/fastapi#13111).
UNECHOABLE = {
    "not UTF-8": (b"\x80", {}),
    "NaN": (b"[1, NaN]", JSON),
    "a lone surrogate": (b'"\\ud800"', JSON),
}


@pytest.mark.parametrize(("body", "headers"), UNECHOABLE.values(), ids=UNECHOABLE.keys())
def test_fastapis_own_422_handler_fails_where_the_apps_does_not(body, headers):
    plain = FastAPI()
    plain.post("/notes")(FASTAPI.module.add_note)
    failed = TestClient(plain, raise_server_exceptions=False).post("/notes", content=body, headers=headers)
    assert failed.status_code == 500
    assert in_process_client(FASTAPI).post("/notes", content=body, headers=headers).status_code == 422


def test_werkzeug_cuts_a_streamed_body_at_the_limit():
    """What gunicorn passes for a chunked body (no CONTENT_LENGTH, wsgi.input_terminated): request.get_data()
    returns the first MAX_CONTENT_LENGTH bytes, without an error."""
    environ = EnvironBuilder(method="POST", path="/notes", data=b"a" * (LIMIT + 10)).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    with FLASK.app.request_context(environ):
        assert len(request.get_data()) == LIMIT
