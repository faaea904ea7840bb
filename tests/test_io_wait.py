"""I/O wait: FastAPI awaits, Flask blocks; both answer after the simulated I/O."""

import time

import pytest

from support.apps import topic_apps
from support.clients import in_process_client
from support.exchanges import check_exchange, shown_exchanges

TOPIC = "io_wait"
PATHS = {"fastapi": "/async", "flask": "/sync"}


@pytest.mark.parametrize("exchange", shown_exchanges(TOPIC), ids=str)
def test_page_shows_what_the_app_answers(exchange, update_shown):
    check_exchange(exchange, in_process_client(exchange.app), update=update_shown)


@pytest.mark.parametrize("app", topic_apps(TOPIC), ids=str)
def test_answer_waits_for_the_simulated_io(app):
    started = time.monotonic()
    response = in_process_client(app).get(PATHS[app.framework])
    assert response.status_code == 200
    assert time.monotonic() - started >= app.module.IO_SECONDS
