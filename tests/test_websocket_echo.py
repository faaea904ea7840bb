"""WebSockets over real sockets: both apps echo each text message, under their servers.

FastAPI runs under uvicorn. flask-sock needs a thread per connection, so the
Flask app runs under gunicorn with threads, and also under Werkzeug's
threaded server inside the test process, where coverage can see it.
"""

import asyncio
import threading

import pytest
from fastapi import FastAPI, WebSocket
from fastapi.testclient import TestClient
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from werkzeug.serving import make_server

from harness.apps import get_app
from harness.project import SNIPPETS
from harness.servers import GUNICORN_GTHREAD, HOST, Server, serves
from support.tables import body_bytes, literal, read_pipe_table

# (sent, {framework: answer}) from the page's table; a bytes literal is a binary message.
ROWS = read_pipe_table(
    SNIPPETS / "websocket_echo" / "messages.md", reads=("Client sends", "FastAPI answers", "Flask answers")
)
TEXT_EXCHANGES = [
    (literal(row["Client sends"]), {name: literal(row[f"{name} answers"]) for name in ("FastAPI", "Flask")})
    for row in ROWS
    if not row["Client sends"].startswith("`b'")
]
BINARY_ROWS = [row for row in ROWS if row["Client sends"].startswith("`b'")]
FASTAPI_APP = get_app("websocket_echo", "fastapi")
FLASK_APP = get_app("websocket_echo", "flask")
PRODUCTION_SERVERS = {"FastAPI": Server(FASTAPI_APP), "Flask": Server(FLASK_APP, GUNICORN_GTHREAD)}


def assert_echoes(url: str, framework: str, binary: bool = True) -> None:
    """Each text row gets its answer; each binary row closes the connection with its code."""
    with connect(url, open_timeout=10, close_timeout=5) as websocket:
        for sent, answers in TEXT_EXCHANGES:
            websocket.send(sent)
            assert websocket.recv(timeout=10) == answers[framework]
    for row in BINARY_ROWS if binary else []:
        code = int(row[f"{framework} answers"].removeprefix("closes with "))
        with connect(url, open_timeout=10, close_timeout=5) as websocket:
            websocket.send(body_bytes(literal(row["Client sends"])))
            with pytest.raises(ConnectionClosed) as closed:
                websocket.recv(timeout=10)
        assert closed.value.rcvd.code == code


@pytest.mark.parametrize(
    "framework", [pytest.param(name, marks=serves(server)) for name, server in PRODUCTION_SERVERS.items()]
)
def test_echo_under_the_production_server(served, framework):
    url = served[PRODUCTION_SERVERS[framework]].base_url.replace("http://", "ws://") + "/ws"
    assert_echoes(url, framework)


def test_flask_echo_in_process():
    server = make_server(HOST, 0, FLASK_APP.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"ws://{HOST}:{server.server_port}/ws"
        assert_echoes(url, "Flask", binary=False)
        # Werkzeug's development server does not pass flask-sock's close frame
        # on, so the close code is checked under gunicorn above; here the
        # binary branch only has to run, and must not echo.
        with connect(url, open_timeout=10, close_timeout=1) as websocket:
            websocket.send(b"\x01")
            with pytest.raises((TimeoutError, ConnectionClosed)):
                websocket.recv(timeout=2)
    finally:
        server.shutdown()
        thread.join(5)


def test_fastapi_echo_in_process():
    with TestClient(FASTAPI_APP.app).websocket_connect("/ws") as websocket:
        for sent, answers in TEXT_EXCHANGES:
            websocket.send_text(sent)
            assert websocket.receive_text() == answers["FastAPI"]
    for row in BINARY_ROWS:
        code = int(row["FastAPI answers"].removeprefix("closes with "))
        with TestClient(FASTAPI_APP.app).websocket_connect("/ws") as websocket:
            websocket.send_bytes(body_bytes(literal(row["Client sends"])))
            assert websocket.receive()["code"] == code


def test_fastapi_websocket_endpoint_must_be_async():
    """A plain `def` WebSocket endpoint is not run in the thread pool, as a `def` HTTP endpoint is:
    FastAPI calls it on the event loop, then awaits the None it returns."""
    app = FastAPI()
    loops = []

    @app.websocket("/ws")
    def echo(websocket: WebSocket):
        loops.append(asyncio.get_running_loop())  # raises RuntimeError in a pool thread

    expected = r"^object NoneType can't be used in 'await' expression$"
    with pytest.raises(TypeError, match=expected), TestClient(app).websocket_connect("/ws"):
        pass
    assert len(loops) == 1  # its body ran first, on the event loop's own thread
