"""Quart, the async Flask: its I/O wait overlaps under Hypercorn, as FastAPI's does under uvicorn.

The generic tests hold the Quart apps (hello, io_wait, validation) to their
shown exchanges and tables, in process and under Hypercorn; this module
checks what is Quart's own: four requests at once all wait together on one
Hypercorn worker, and the server that answers is Hypercorn. The generated
input of tests/test_robustness.py covers the Quart endpoints too.
"""

import os

import pytest

from harness.apps import get_app
from harness.servers import Server, serves
from support.clients import in_process_client, socket_client
from support.concurrency import time_concurrent_gets
from support.endpoints import robust_endpoints

WAIT = 0.3
AT_ONCE = 4
WAITING = Server(get_app("io_wait", "quart"), env={"SIMULATED_IO_SECONDS": str(WAIT)})


def test_every_quart_endpoint_gets_generated_input():
    """tests/test_robustness.py sends them generated requests, as it does Flask's."""
    quart = [str(endpoint) for endpoint in robust_endpoints() if endpoint.app.framework == "quart"]
    assert quart == ["hello/quart:GET /", "io_wait/quart:GET /async", "validation/quart:POST /items"]


def test_answer_waits_for_the_simulated_io():
    response = in_process_client(get_app("io_wait", "quart")).get("/async")
    assert response.status_code == 200
    assert response.json() == {"message": "Async Response"}
    assert response.elapsed.total_seconds() >= float(os.environ["SIMULATED_IO_SECONDS"])


@pytest.mark.timing
@serves(WAITING)
def test_the_waits_overlap_under_hypercorn(served):
    """Bounded: 4 waits of 0.3 s take under 0.6 s together; queued, they would take 1.2 s."""
    base_url = served[WAITING].base_url
    with socket_client(base_url) as client:
        assert client.get("/async").headers["server"].startswith("hypercorn")
    elapsed = time_concurrent_gets(base_url, "/async", AT_ONCE, timeout=10)
    assert elapsed < 2 * WAIT, f"Hypercorn: the async waits should overlap, took {elapsed:.2f} s"


def test_a_json_body_that_is_not_utf8_is_a_400():
    """Found by the generated input: Quart decodes the body before parsing, and the error was a 500."""
    client = in_process_client(get_app("validation", "quart"))
    response = client.post("/items", headers={"Content-Type": "application/json"}, content=b"\x80")
    assert response.status_code == 400
    assert response.json() == {"error": "Bad Request", "detail": "The body is not UTF-8."}
