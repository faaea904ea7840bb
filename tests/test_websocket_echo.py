"""WebSockets over real sockets: both apps echo each text message, under their servers.

FastAPI runs under uvicorn. flask-sock needs a thread per connection, so the
Flask app runs under gunicorn with threads, and also under Werkzeug's
threaded server inside the test process, where coverage can see it.
"""

import threading

import pytest
from fastapi.testclient import TestClient
from websockets.sync.client import connect
from werkzeug.serving import make_server

from support.apps import get_app
from support.paths import SNIPPETS
from support.servers import HOST, Server, running_servers
from support.tables import literal, read_pipe_table

# (sent, {framework: answer}) from the page's table.
ROWS = read_pipe_table(SNIPPETS / "websocket_echo" / "messages.md")
EXCHANGES = [
    (literal(row["Client sends"]), {name: literal(row[f"{name} answers"]) for name in ("FastAPI", "Flask")})
    for row in ROWS
]
FASTAPI_APP = get_app("websocket_echo", "fastapi")
FLASK_APP = get_app("websocket_echo", "flask")


def assert_echoes(url: str, framework: str) -> None:
    with connect(url, open_timeout=10, close_timeout=5) as websocket:
        for sent, answers in EXCHANGES:
            websocket.send(sent)
            assert websocket.recv(timeout=10) == answers[framework]


@pytest.fixture(scope="module")
def production_servers():
    servers = [Server(FASTAPI_APP), Server(FLASK_APP, "gunicorn-gthread")]
    with running_servers(servers) as running:
        yield {server.app.framework: each.base_url for server, each in running.items()}


@pytest.mark.parametrize("framework", ["FastAPI", "Flask"])
def test_echo_under_the_production_server(production_servers, framework):
    url = production_servers[framework.lower()].replace("http://", "ws://") + "/ws"
    assert_echoes(url, framework)


def test_flask_echo_in_process():
    server = make_server(HOST, 0, FLASK_APP.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert_echoes(f"ws://{HOST}:{server.server_port}/ws", "Flask")
    finally:
        server.shutdown()
        thread.join(5)


def test_fastapi_echo_in_process():
    with TestClient(FASTAPI_APP.app).websocket_connect("/ws") as websocket:
        for sent, answers in EXCHANGES:
            websocket.send_text(sent)
            assert websocket.receive_text() == answers["FastAPI"]
