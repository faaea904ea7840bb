"""I/O wait: FastAPI awaits, Flask blocks; both answer after the simulated I/O.

Over real servers, the article's two examples behave as the page says: four
requests at once all wait together on FastAPI's `async def` under uvicorn,
and queue on Flask's view under one gunicorn sync worker.
"""

import os

import pytest

from harness.apps import topic_apps
from harness.servers import Server, serves
from support.clients import in_process_client
from support.concurrency import time_concurrent_gets

TOPIC = "io_wait"
PATHS = {"fastapi": "/async", "flask": "/sync", "quart": "/async"}
WAIT = 0.3
AT_ONCE = 4
WAITING_SERVERS = [Server(app, env={"SIMULATED_IO_SECONDS": str(WAIT)}) for app in topic_apps(TOPIC)]


@pytest.mark.parametrize("app", topic_apps(TOPIC), ids=str)
def test_answer_waits_for_the_simulated_io(app):
    response = in_process_client(app).get(PATHS[app.framework])
    assert response.status_code == 200
    assert response.elapsed.total_seconds() >= float(os.environ["SIMULATED_IO_SECONDS"])


@pytest.mark.timing
@serves(*WAITING_SERVERS)
def test_article_examples_under_their_production_servers(served):
    elapsed = {
        server.app.framework: time_concurrent_gets(
            served[server].base_url, PATHS[server.app.framework], AT_ONCE
        )
        for server in WAITING_SERVERS
    }
    assert elapsed["fastapi"] < 2 * WAIT, "uvicorn: the async waits should overlap"
    assert elapsed["flask"] >= AT_ONCE * WAIT * 0.95, "one gunicorn sync worker: the waits should queue"
