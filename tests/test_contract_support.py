"""The contract runners fail loudly where they once passed in silence, shown on small synthetic topics.

Three false greens, each reproduced here on a topic written into tmp_path:
a table column no test read (a `Cookie` column was ignored and its rows
passed), a shown request with no response beside it, and response headers
that were dropped from what the page shows (`set-cookie`). Each test checks
the message too, since the message is what tells a contributor what to do.
"""

import httpx2
import pytest
from fastapi import FastAPI, HTTPException, Request
from fastapi.testclient import TestClient
from flask import Flask, make_response, request
from flask_openapi3 import OpenAPI
from pydantic import BaseModel

from harness.apps import get_app
from harness.project import SNIPPETS
from support import tables
from support.api_documents import UndeclaredStatus, declared_status_hook
from support.clients import ASGIServerTransport, WSGIServerTransport
from support.compared_bodies import entry_problem
from support.endpoints import Endpoint
from support.exchanges import (
    ONE_FRAMEWORK_REQUESTS,
    MissingResponse,
    check_exchange,
    read_request,
    render_response,
    shown_exchanges,
)
from support.tables import TOPIC_COLUMNS, literal, read_pipe_table, request_rows

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover

TOPIC = "demo"
COOKIE_TABLE = """\
| Case | Request | Cookie | Flask |
|---|---|---|--:|
| the right cookie | `GET /secret` | `session=abc` | 200 |
| a wrong cookie | `GET /secret` | `session=guess` | 403 |
| no Cookie header | `GET /secret` | (none) | 401 |
| an empty Cookie header | `GET /secret` | (empty) | 403 |
"""

# A column only the topic's own test reads: what the body says.
DECLARED_TABLE = """\
| Case | Request | Flask | Flask says |
|---|---|--:|---|
| no Cookie header | `GET /secret` | 401 | `no cookie` |
"""


def cookie_app() -> Flask:
    """Answers 200 only to the right session cookie: 401 without a Cookie header, 403 with another."""
    app = Flask(__name__)

    @app.get("/secret")
    def secret():
        if "Cookie" not in request.headers:
            return "no cookie", 401
        if request.cookies.get("session") != "abc":
            return "wrong cookie", 403
        return "welcome", 200

    @app.get("/login")
    def login():
        response = make_response("logged in")
        response.set_cookie("session", "abc", httponly=True)
        response.set_cookie("theme", "dark")
        return response

    return app


def client_for(app: Flask) -> httpx2.Client:
    return httpx2.Client(transport=WSGIServerTransport(app), base_url="http://testserver")


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def synthetic_topic(snippets, *apps: str):
    """A topic folder with the given app modules (empty: found by file name, never imported here)."""
    for name in apps:
        write(snippets / TOPIC / f"{name}_app.py", "")
    return snippets / TOPIC


# Tables: every column means something to the tests.


def test_a_column_no_test_reads_fails_naming_the_file_the_column_and_the_vocabulary(tmp_path):
    """Before, only four header columns were sent and any other column was ignored: these rows passed."""
    table = write(tmp_path / TOPIC / "bad_input.md", COOKIE_TABLE.replace("| Cookie |", "| Cookie sent |"))
    with pytest.raises(ValueError) as error:
        request_rows(TOPIC, snippets=tmp_path)
    message = str(error.value)
    assert str(table) in message
    assert "column 'Cookie sent' means nothing to the tests" in message
    assert "(Case, Step, Request, Body, FastAPI, Flask, FastAPI (<variant>), Flask (<variant>))" in message
    assert "named like a request header (Cookie, X-Api-Key), which is then sent" in message
    assert "TOPIC_COLUMNS in tests/support/tables.py" in message
    assert "'Tables the tests read' in CONTRIBUTING.md" in message


def test_a_header_column_is_sent_and_its_rows_pass_only_with_the_cookie(tmp_path):
    """Before, the Cookie column was not sent: the right cookie's row got a 401."""
    write(tmp_path / TOPIC / "bad_input.md", COOKIE_TABLE)
    rows = request_rows(TOPIC, snippets=tmp_path)
    client = client_for(cookie_app())
    answered = [(row.case, row.send(client).status_code) for row in rows]
    assert answered == [(row.case, row.statuses["flask"]) for row in rows]
    assert [row.headers for row in rows] == [
        {"Cookie": "session=abc"},
        {"Cookie": "session=guess"},
        {},
        {"Cookie": ""},
    ]


HEADER_BYTES_TABLE = """\
| Case | Request | X-Name | FastAPI | Flask |
|---|---|---|--:|--:|
| Latin-1 bytes | `GET /echo` | `b'caf\\xe9'` | 200 | 200 |
"""


def echo_apps() -> tuple[FastAPI, Flask]:
    """Two apps that answer with the bytes of X-Name as each framework decoded them (as Latin-1)."""
    fastapi_app, flask_app = FastAPI(), Flask(__name__)

    @fastapi_app.get("/echo")
    def fastapi_echo(request: Request):
        return list(request.headers["x-name"].encode("latin-1"))

    @flask_app.get("/echo")
    def flask_echo():
        return list(request.headers["X-Name"].encode("latin-1"))

    return fastapi_app, flask_app


def test_a_header_cell_sends_its_bytes_exactly_to_both_frameworks(tmp_path):
    """Before, FastAPI's in-process client re-encoded b"\\xe9" as UTF-8 (two bytes) on its way to the
    app, while uvicorn passes it as sent; and the table had no way to write such a byte."""
    write(tmp_path / TOPIC / "bad_input.md", HEADER_BYTES_TABLE)
    (row,) = request_rows(TOPIC, snippets=tmp_path)
    assert row.headers == {"X-Name": b"caf\xe9"}
    fastapi_app, flask_app = echo_apps()
    clients = [
        httpx2.Client(transport=ASGIServerTransport(fastapi_app), base_url="http://testserver"),
        client_for(flask_app),
    ]
    assert [row.send(client).json() for client in clients] == [list(b"caf\xe9")] * 2


def test_a_header_cell_that_is_not_ascii_names_the_row_and_the_notation(tmp_path):
    """Before, httpx2 raised a bare UnicodeEncodeError when the row was sent."""
    table = write(tmp_path / TOPIC / "bad_input.md", HEADER_BYTES_TABLE.replace("`b'caf\\xe9'`", "`café`"))
    with pytest.raises(ValueError) as error:
        request_rows(TOPIC, snippets=tmp_path)
    message = str(error.value)
    assert str(table) in message and "row 'Latin-1 bytes'" in message
    assert "header 'X-Name': 'café' is not ASCII" in message and "b'caf\\xe9'" in message


def test_a_column_the_topic_test_declares_is_left_to_it(tmp_path, monkeypatch):
    write(tmp_path / TOPIC / "bad_input.md", DECLARED_TABLE)
    with pytest.raises(ValueError, match="column 'Flask says' means nothing to the tests"):
        request_rows(TOPIC, snippets=tmp_path)
    monkeypatch.setitem(TOPIC_COLUMNS, f"{TOPIC}/bad_input.md", ("Flask says",))
    (row,) = request_rows(TOPIC, snippets=tmp_path)
    assert row.send(client_for(cookie_app())).text == literal(row.cells["Flask says"])
    with pytest.raises(KeyError, match=r"'Request' is not declared .* TOPIC_COLUMNS\['demo/bad_input.md'\]"):
        row.cells["Request"]


def test_a_declared_column_the_table_lacks_is_an_error(tmp_path, monkeypatch):
    write(tmp_path / TOPIC / "bad_input.md", COOKIE_TABLE)
    monkeypatch.setitem(TOPIC_COLUMNS, f"{TOPIC}/bad_input.md", ("Flask says",))
    with pytest.raises(ValueError, match=r"declared columns \['Flask says'\] are not in the table"):
        request_rows(TOPIC, snippets=tmp_path)


def test_a_table_only_its_topic_reads_has_only_the_columns_it_declares(tmp_path):
    table = write(
        tmp_path / TOPIC / "answers.md", "| Case | Sent | Answer |\n|---|---|---|\n| one | `a` | `b` |\n"
    )
    rows = read_pipe_table(table, reads=("Sent", "Answer"))
    assert [(row["Case"], literal(row["Sent"]), literal(row["Answer"])) for row in rows] == [
        ("one", "a", "b")
    ]
    with pytest.raises(ValueError, match="column 'Answer' means nothing to the tests"):
        read_pipe_table(table, reads=("Sent",))


def test_a_cell_reads_as_the_page_shows_it(tmp_path):
    """Read from the rendered HTML: a `|` in a code span is text, `\\|` in one shows its backslash."""
    write(
        tmp_path / TOPIC / "bad_input.md",
        "| Case | Request | Body | X-Note | Flask |\n|---|---|---|---|--:|\n"
        "| pipes | `GET /search?q=a|b` | `a \\| b` | `(none)` | 200 |\n"
        "| spaces and bytes | `POST /echo` | `b'\\xff'` | `two␣` | 200 |\n",
    )
    pipes, spaces = request_rows(TOPIC, snippets=tmp_path)
    assert (pipes.target, pipes.body, pipes.headers) == ("/search?q=a|b", b"a \\| b", {"X-Note": "(none)"})
    assert (spaces.body, spaces.headers) == (b"\xff", {"X-Note": "two "})


def test_a_cell_outside_the_vocabulary_names_its_file_and_row(tmp_path):
    table = write(tmp_path / TOPIC / "bad_input.md", COOKIE_TABLE.replace("`session=guess`", "session=guess"))
    with pytest.raises(
        ValueError, match=r"row 'a wrong cookie': cell 'session=guess' is neither a code span"
    ) as error:
        request_rows(TOPIC, snippets=tmp_path)
    assert str(error.value).startswith(str(table))


def test_every_declaration_names_a_table_and_a_request_that_exist():
    """A declaration for a file since renamed would silently declare nothing."""
    for table in TOPIC_COLUMNS:
        topic, name = table.split("/")
        assert request_rows(topic, name), table
    for shown_request in ONE_FRAMEWORK_REQUESTS:
        assert (SNIPPETS / shown_request).is_file(), shown_request


# Shown exchanges: every shown request has a response from each framework.


def test_a_request_without_a_response_fails_naming_the_files_expected(tmp_path):
    """Before, only response files were discovered: a request shown without one was never replayed."""
    topic = synthetic_topic(tmp_path, "fastapi", "flask", "flask_robust")
    write(topic / "http" / "secret.request.http", "GET /secret HTTP/1.1\n")
    exchanges = shown_exchanges(TOPIC, snippets=tmp_path)
    assert [str(exchange) for exchange in exchanges] == ["demo/fastapi:secret", "demo/flask:secret"]
    assert all(isinstance(exchange, MissingResponse) for exchange in exchanges)
    with pytest.raises(AssertionError) as error:
        check_exchange(exchanges[1], client_for(cookie_app()))
    message = str(error.value)
    shown = f"{tmp_path.name}/demo/http"  # paths as the message gives them: from the snippets folder's parent
    assert f"the page shows {shown}/secret.request.http but no Flask response to it" in message
    assert f"expected {shown}/secret.flask.http or {shown}/secret.flask_robust.http" in message
    assert f"--update-examples to write {shown}/secret.flask.http" in message
    assert "ONE_FRAMEWORK_REQUESTS" in message


def test_update_writes_the_missing_response_from_a_real_run(tmp_path):
    topic = synthetic_topic(tmp_path, "fastapi", "flask")
    write(topic / "http" / "secret.request.http", "GET /secret HTTP/1.1\nCookie: session=abc\n")
    missing = [
        exchange for exchange in shown_exchanges(TOPIC, snippets=tmp_path) if exchange.app.name == "flask"
    ]
    check_exchange(missing[0], client_for(cookie_app()), update=True)
    assert (topic / "http" / "secret.flask.http").read_text() == (
        "HTTP/1.1 200\ncontent-type: text/html; charset=utf-8\n\nwelcome\n"
    )
    flask_exchange = next(e for e in shown_exchanges(TOPIC, snippets=tmp_path) if e.app.name == "flask")
    assert not isinstance(flask_exchange, MissingResponse)
    check_exchange(flask_exchange, client_for(cookie_app()))


def test_update_does_not_guess_among_several_apps_of_a_framework(tmp_path):
    topic = synthetic_topic(tmp_path, "fastapi", "flask_article", "flask_robust")
    write(topic / "http" / "secret.request.http", "GET /secret HTTP/1.1\n")
    write(topic / "http" / "secret.fastapi.http", "HTTP/1.1 401\n")
    (missing,) = [
        exchange
        for exchange in shown_exchanges(TOPIC, snippets=tmp_path)
        if exchange.app.framework == "flask"
    ]
    with pytest.raises(AssertionError, match="several Flask apps and none named flask: create an empty file"):
        check_exchange(missing, client_for(cookie_app()), update=True)
    assert sorted(path.name for path in (topic / "http").iterdir()) == [
        "secret.fastapi.http",
        "secret.request.http",
    ]


def test_a_request_shown_for_one_framework_is_declared(tmp_path, monkeypatch):
    topic = synthetic_topic(tmp_path, "fastapi", "flask")
    write(topic / "http" / "secret.request.http", "GET /secret HTTP/1.1\n")
    write(topic / "http" / "secret.fastapi.http", "HTTP/1.1 401\n")
    monkeypatch.setitem(ONE_FRAMEWORK_REQUESTS, "demo/http/secret.request.http", "fastapi")
    assert [str(exchange) for exchange in shown_exchanges(TOPIC, snippets=tmp_path)] == [
        "demo/fastapi:secret"
    ]
    write(topic / "http" / "secret.flask.http", "HTTP/1.1 401\n")
    with pytest.raises(ValueError, match=r"says the page shows it for fastapi only.*remove its entry"):
        shown_exchanges(TOPIC, snippets=tmp_path)


def test_a_header_line_without_colon_space_names_the_file_and_line(tmp_path):
    """Before, `Cookie:session=abc` was read as a header named so, with an empty value."""
    path = write(tmp_path / "secret.request.http", "GET /secret HTTP/1.1\nAccept: */*\nCookie:session=abc\n")
    with pytest.raises(ValueError) as error:
        read_request(path)
    assert str(error.value).startswith(f'{path}:3: a header line is `Name: value`, with ": "')


# Rendered responses: every header but the volatile and transport-level ones.


def test_set_cookie_is_shown_once_per_cookie(tmp_path):
    """Before, only a fixed list of headers was shown, and set-cookie was dropped."""
    topic = synthetic_topic(tmp_path, "flask")
    write(topic / "http" / "login.request.http", "GET /login HTTP/1.1\n")
    write(
        topic / "http" / "login.flask.http",
        "HTTP/1.1 200\ncontent-type: text/html; charset=utf-8\n\nlogged in\n",
    )
    (exchange,) = shown_exchanges(TOPIC, snippets=tmp_path)
    with pytest.raises(AssertionError, match=r"\+set-cookie: session=abc; HttpOnly; Path=/"):
        check_exchange(exchange, client_for(cookie_app()))
    assert render_response(client_for(cookie_app()).get("/login")) == (
        "HTTP/1.1 200\n"
        "content-type: text/html; charset=utf-8\n"
        "set-cookie: session=abc; HttpOnly; Path=/\n"
        "set-cookie: theme=dark; Path=/\n"
        "\nlogged in\n"
    )


def test_volatile_and_transport_headers_are_not_shown_and_allow_is_sorted():
    response = httpx2.Response(
        405,
        headers=[
            ("Date", "Wed, 25 Nov 2026 22:21:05 GMT"),
            ("Server", "gunicorn"),
            ("Connection", "close"),
            ("Content-Length", "0"),
            ("Allow", "OPTIONS, GET, HEAD"),
            ("X-Custom", "kept"),
        ],
    )
    assert render_response(response) == "HTTP/1.1 405\nallow: GET, HEAD, OPTIONS\nx-custom: kept\n"


def items_api(declared: dict) -> FastAPI:
    """A FastAPI app whose GET /items/{item_id} answers 404 for a missing item, declaring `declared`."""
    app = FastAPI()

    @app.get("/items/{item_id}", responses=declared)
    def read_item(item_id: int):
        raise HTTPException(status_code=404, detail="Item not found")

    return app


def api_client(app) -> httpx2.Client:
    client = TestClient(app, raise_server_exceptions=False)
    client.event_hooks = {"response": [declared_status_hook("demo/fastapi", app)]}
    return client


def test_a_status_the_api_document_leaves_out_fails_naming_the_operation_and_what_it_declares():
    with pytest.raises(
        UndeclaredStatus, match=r"GET /items/7 answered 404, .* declares only \['200', '422'\]"
    ):
        api_client(items_api({})).get("/items/7")
    assert api_client(items_api({404: {"description": "Item not found"}})).get("/items/7").status_code == 404


def test_answers_from_no_operation_are_not_held_to_the_document():
    client = api_client(items_api({}))
    assert client.get("/nowhere").status_code == 404  # no route
    assert client.post("/items/7").status_code == 405  # the path, not the method
    assert client.get("/items/seven").status_code == 422  # declared for every operation with parameters


def test_a_flask_openapi3_document_is_read_too():
    app = OpenAPI(__name__, security_schemes={})

    @app.get("/items/<int:item_id>")
    def read_item(path: ItemPath):
        return {"error": "Item not found"}, 404

    client = httpx2.Client(
        transport=WSGIServerTransport(app),
        base_url="http://testserver",
        event_hooks={"response": [declared_status_hook("demo/flask", app)]},
    )
    with pytest.raises(UndeclaredStatus, match=r"demo/flask: GET /items/7 answered 404"):
        client.get("/items/7")


class ItemPath(BaseModel):
    item_id: int


def test_the_wsgi_transport_passes_what_a_real_server_passes():
    """Path bytes and header values as Latin-1 text (PEP 3333); httpx2's own transport fails on both."""
    app = Flask(__name__)

    @app.get("/<name>")
    def echo(name):
        return {"name": name, "header": request.headers["X-Id"], "query": request.args.get("q")}

    client = httpx2.Client(transport=WSGIServerTransport(app), base_url="http://testserver")
    answer = client.get("/%D9%A3?q=%FF", headers={"X-Id": b"caf\xe9"}).json()
    assert answer == {"name": "٣", "header": "café", "query": "%FF"}
    with pytest.raises(UnicodeDecodeError):
        httpx2.Client(transport=httpx2.WSGITransport(app=app), base_url="http://t").get(
            "/a", headers={"X-Id": b"\xe9"}
        )


def test_a_named_test_must_request_the_path_and_read_its_json():
    endpoint = Endpoint(get_app("hardening", "fastapi"), "GET", "/report")
    ok = "test_hardening.py::test_the_fourth_request_in_a_minute_is_refused_with_retry_after"
    assert entry_problem(endpoint, ok) is None
    assert "does not exist" in entry_problem(endpoint, "test_hardening.py::test_no_such_test")
    # Requests /report, checks statuses only.
    assert "compares no body" in entry_problem(
        endpoint, "test_hardening.py::test_without_headers_enabled_the_429_has_no_retry_after"
    )


def test_a_table_read_back_from_the_cache_is_the_table_as_rendered(tmp_path, monkeypatch):
    """The cache of rendered tables (.cache/tables) gives back every cell, code spans included."""
    monkeypatch.setattr(tables, "TABLE_CACHE", tmp_path)
    path = SNIPPETS / "auth" / "bad_input.md"
    text = path.read_text()

    def parsed():
        tables._parsed_table.cache_clear()
        headings, rows = tables._parsed_table(path, text)
        return headings, [[(str(cell), cell.code) for cell in row.values()] for row in rows]

    rendered = parsed()  # nothing cached: rendered, and written
    assert [file.suffix for file in tmp_path.iterdir()] == [".json"]
    assert parsed() == rendered  # read back
    assert any(code is not None for row in rendered[1] for _, code in row)
    edited = text.replace("|\n", "| \n", 1)  # another text: another entry
    tables._parsed_table(path, edited)
    assert len(list(tmp_path.iterdir())) == 2
