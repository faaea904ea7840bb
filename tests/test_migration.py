"""Migrating route by route: one uvicorn process serves the moved FastAPI route and the mounted Flask app.

The contract runners already hold both apps to the page's exchanges and
table, in process and over sockets. This module checks what only the move
claims: both halves answer from one server process, each names itself, and
the shared key check changes on both sides at once.
"""

from harness.apps import get_app
from harness.processes import process_group
from harness.servers import Server, serves
from support.clients import socket_client

TOPIC = "migration"
HALFWAY = get_app(TOPIC, "fastapi")
DEFAULT_KEY = Server(HALFWAY)
OTHER_KEY = Server(HALFWAY, env={"API_KEY": "rotated-key"})


@serves(DEFAULT_KEY)
def test_both_halves_answer_from_one_uvicorn_process(served):
    server = served[DEFAULT_KEY]
    with socket_client(server.base_url, headers={"X-API-Key": "example-key"}) as client:
        moved, not_moved = client.get("/items/1"), client.get("/items")
    assert (moved.status_code, moved.headers["X-Served-By"]) == (200, "fastapi")
    assert (not_moved.status_code, not_moved.headers["X-Served-By"]) == (200, "flask")
    assert len(process_group(server.process.pid, zombies=False)) == 1


@serves(OTHER_KEY)
def test_the_shared_key_check_changes_on_both_sides_at_once(served):
    with socket_client(served[OTHER_KEY].base_url) as client:
        for path in ("/items/1", "/items"):
            assert client.get(path, headers={"X-API-Key": "example-key"}).status_code == 401, path
            assert client.get(path, headers={"X-API-Key": "rotated-key"}).status_code == 200, path


def test_the_mounted_flask_app_runs_on_a2wsgis_ten_threads():
    """migration.md: mounted with a2wsgi's defaults, the Flask side gets a pool of 10 threads of its
    own (`workers=10`), fewer than a threaded WSGI server or Starlette's 40 may have given it."""
    from a2wsgi import WSGIMiddleware
    from starlette.routing import Mount

    (mount,) = [route for route in HALFWAY.app.routes if isinstance(route, Mount)]
    assert isinstance(mount.app, WSGIMiddleware)
    assert mount.app.executor._max_workers == 10
