"""Background work: both apps accept a task for a name and run it once the response is done.

The table on the page gives, for each request, each app's status (checked by
tests/test_contracts.py) and what its task printed, or that no task ran
(checked here). Over real servers, the timing table says when each kind of
callback runs relative to the response.
"""

import asyncio
import inspect
import time

import pytest
from werkzeug.test import EnvironBuilder

from harness.apps import get_app
from harness.project import SNIPPETS
from harness.servers import Server, serves
from support.clients import in_process_client, socket_client
from support.tables import literal, read_pipe_table, request_rows

TOPIC = "background_tasks"


@pytest.mark.parametrize("row", request_rows(TOPIC), ids=str)
@pytest.mark.parametrize("framework", ["FastAPI", "Flask"])
def test_task_prints_what_the_table_says(row, framework, capsys):
    row.send(in_process_client(get_app(TOPIC, framework.lower())))
    printed = literal(row.cells[f"{framework}'s task prints"])
    assert capsys.readouterr().out == ("" if printed is None else printed + "\n")


TIMING_WAIT = 1.0
TIMING_TABLE = SNIPPETS / TOPIC / "timing.md"
TIMINGS = read_pipe_table(
    TIMING_TABLE, reads=("Framework", "Callback", "Endpoint", "The client waits for the slow task")
)


def view_function(app, path: str):
    """The function a timing app runs for `POST path`."""
    if app.framework == "fastapi":
        return next(route.endpoint for route in app.app.routes if getattr(route, "path", None) == path)
    endpoint, _ = app.app.url_map.bind("testserver").match(path, method="POST")
    return app.app.view_functions[endpoint]


@pytest.mark.parametrize("row", TIMINGS, ids=lambda row: literal(row["Endpoint"]))
def test_endpoint_uses_the_callback_the_table_names(row):
    """The Callback column is a claim about the code, so it is read too: the endpoint calls that callback."""
    app = get_app(TOPIC, f"{row['Framework'].lower()}_timing")
    callback = literal(row["Callback"]).rsplit(".", 1)[-1]  # `Response.call_on_close` -> call_on_close
    assert callback in inspect.getsource(view_function(app, literal(row["Endpoint"])))


TIMING_SERVERS = {
    framework: Server(get_app(TOPIC, f"{framework}_timing"), env={"SIMULATED_IO_SECONDS": str(TIMING_WAIT)})
    for framework in ("fastapi", "flask")
}


def timing_server(row) -> Server:
    return TIMING_SERVERS[row["Framework"].lower()]


def wait_for_output(server, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while text not in server.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    return text in server.output()


@pytest.mark.timing
@pytest.mark.parametrize(
    "row",
    [pytest.param(row, marks=serves(timing_server(row))) for row in TIMINGS],
    ids=lambda row: literal(row["Endpoint"]),
)
def test_when_the_slow_task_runs(served, row):
    """Over a real socket: does the response arrive before or after the slow task?"""
    server = served[timing_server(row)]
    endpoint = literal(row["Endpoint"])
    name = endpoint.strip("/")  # one name per row, so one row's task cannot pass for another's
    with socket_client(server.base_url) as client:
        client.get("/")  # a first request pays for lazy imports; keep that out of the timing
        started = time.monotonic()
        response = client.post(endpoint, params={"name": name})
        elapsed = time.monotonic() - started
    # Let the task finish first, so a failure here cannot delay the next request.
    finished = wait_for_output(server, f"Finished slow task for {name}\n", 2 * TIMING_WAIT)
    assert response.status_code == 200
    if row["The client waits for the slow task"] == "yes":
        assert elapsed >= TIMING_WAIT, f"answered in {elapsed:.2f} s"
    else:
        assert elapsed < TIMING_WAIT, f"answered in {elapsed:.2f} s"
    assert finished


def test_fastapi_task_runs_after_the_last_byte_of_the_response(capsys):
    """Drive the ASGI app by hand and note what was printed when the body was complete."""
    app = get_app(TOPIC, "fastapi").app
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/task",
        "raw_path": b"/task",
        "query_string": b"name=Alice",
        "headers": [(b"host", b"testserver")],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1234),
        "root_path": "",
    }
    printed_when_sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.body" and not message.get("more_body"):
            printed_when_sent.append(capsys.readouterr().out)

    asyncio.run(app(scope, receive, send))
    assert printed_when_sent == [""]
    assert capsys.readouterr().out == "Processing task for Alice\n"


def test_flask_task_runs_when_the_server_closes_the_response(capsys):
    """A WSGI server calls close() after sending the body; the task runs then, not before."""
    app = get_app(TOPIC, "flask").app
    environ = EnvironBuilder(method="POST", path="/task", query_string="name=Alice").get_environ()
    body = app(environ, lambda status, headers: None)
    assert b"".join(body) == b'{"message":"Task added"}\n'
    assert capsys.readouterr().out == ""
    body.close()
    assert capsys.readouterr().out == "Processing task for Alice\n"
