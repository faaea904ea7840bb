"""No app lets one request's data reach another's answer: distinct requests sent at once, over real workers.

Flask apps run on gunicorn's gthread worker with more threads than requests,
each thread interrupted every microsecond (harness/gunicorn_races.py);
FastAPI apps under uvicorn and Quart apps under Hypercorn, whose event loop
interleaves requests at every `await`. What each request should get is what
it got alone (tests/support/shared_state.py).
"""

import textwrap

import pytest

from harness.apps import all_apps
from harness.servers import GUNICORN, PRODUCTION, Server, installed_program, running_servers, serves
from support.clients import HttpRequest
from support.exchanges import ORDERED_TOPICS
from support.shared_state import (
    SHARED_ON_PURPOSE,
    crossed_in_bursts,
    shown_requests,
)

pytestmark = pytest.mark.servers

THREADS = 64  # more than AT_ONCE: every request of the burst gets a thread at once
RACES = ("-c", "python:harness.gunicorn_races")
GUNICORN_RACING = GUNICORN.with_options(
    "gunicorn-gthread-racing", "--threads", str(THREADS), *RACES, shown=f"gunicorn --threads {THREADS}"
)
RACING = {**PRODUCTION, "flask": GUNICORN_RACING}
# Bursts per app. Threads interleave by chance: a Flask app keeping the request ID in a module
# variable crossed 2 to 9 answers of 50 in one burst on an idle machine, none in 2 bursts of 20,
# and none in 3 bursts once on a machine busy with another suite.
ROUNDS = 5
# The database topics' requests change what the next one gets, by design: their own tests send them in order.
APPS = [
    app
    for app in all_apps()
    if app.topic not in ORDERED_TOPICS and str(app) not in SHARED_ON_PURPOSE and shown_requests(app)
]


def racing(app) -> Server:
    return Server(app, RACING[app.framework])


def check_burst(shown: list[tuple[str, HttpRequest]], base_url: str) -> int:
    """Fail on an answer crossed at once; the number of answers compared."""
    compared, crossed = crossed_in_bursts(shown, base_url, ROUNDS)
    assert not crossed, f"{len(crossed)} of {compared} answers differ at once:\n" + "\n".join(crossed[:3])
    return compared


@pytest.mark.parametrize("app", [pytest.param(app, marks=serves(racing(app))) for app in APPS], ids=str)
def test_distinct_requests_at_once_get_their_own_answers(served, app):
    compared = check_burst(shown_requests(app), served[racing(app)].base_url)
    assert compared, f"{app}: no request it answers gets the same answer twice, so none was compared"


def test_apps_sharing_state_on_purpose_exist():
    assert set(SHARED_ON_PURPOSE) <= {str(app) for app in all_apps()}


LEAKY_FLASK = """
import time

from flask import Flask, request

app = Flask(__name__)
current_id = None  # the mistake: one variable for every request in the process


@app.before_request
def read_request_id():
    global current_id
    current_id = request.headers.get("X-Request-ID", "")


@app.after_request
def add_request_id(response):
    response.headers["X-Request-ID"] = current_id
    return response


@app.get("/")
def home():
    time.sleep(0.005)  # waits on I/O, as a real view does: the other threads' requests run meanwhile
    return {"message": "Hello"}
"""


class LeakyFlask:
    """The middleware topic's Flask app keeping the request ID in a module variable, on the racing worker.

    Its view waits 5 ms, as one reading a database does: without a wait, the race window is a few
    bytecodes wide, and 5 bursts missed it once in six full runs on a busy machine."""

    def __init__(self, folder) -> None:
        (folder / "leaky_app.py").write_text(textwrap.dedent(LEAKY_FLASK))
        self.folder = folder

    def command(self, port: int) -> list[str]:
        args = [arg.format(target="leaky_app:app", port=port) for arg in GUNICORN_RACING.args]
        return [installed_program("gunicorn"), "--pythonpath", str(self.folder), *args]


def test_a_request_id_kept_in_a_module_variable_is_caught(tmp_path):
    leaky = LeakyFlask(tmp_path)
    request = HttpRequest("GET", "/", {"X-Request-ID": "order-42"}, b"")
    with (
        running_servers([leaky]) as running,
        pytest.raises(AssertionError, match=r"answers differ at once"),
    ):
        check_burst([("a valid ID", request)], running[leaky].base_url)
