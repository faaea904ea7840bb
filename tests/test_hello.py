"""Hello World: both apps answer GET / with a JSON greeting naming their framework."""

import pytest

from support.apps import topic_apps
from support.clients import in_process_client
from support.exchanges import check_exchange, shown_exchanges

TOPIC = "hello"


@pytest.mark.parametrize("exchange", shown_exchanges(TOPIC), ids=str)
def test_page_shows_what_the_app_answers(exchange, update_shown):
    check_exchange(exchange, in_process_client(exchange.app), update=update_shown)


@pytest.mark.parametrize("app", topic_apps(TOPIC), ids=str)
def test_other_methods_are_not_allowed(app):
    assert in_process_client(app).post("/").status_code == 405


@pytest.mark.parametrize("app", topic_apps(TOPIC), ids=str)
def test_unknown_paths_are_not_found(app):
    assert in_process_client(app).get("/nowhere").status_code == 404
