"""Background work: both apps accept a task for a name and run it once the response is done."""

import pytest

from support.apps import topic_apps
from support.clients import in_process_client
from support.exchanges import check_exchange, shown_exchanges

TOPIC = "background_tasks"


@pytest.mark.parametrize("exchange", shown_exchanges(TOPIC), ids=str)
def test_page_shows_what_the_app_answers(exchange, update_shown):
    check_exchange(exchange, in_process_client(exchange.app), update=update_shown)


@pytest.mark.parametrize("app", topic_apps(TOPIC), ids=str)
def test_task_runs_with_the_given_name(app, capsys):
    response = in_process_client(app).post("/task", params={"name": "Alice"})
    assert response.status_code == 200
    assert capsys.readouterr().out == "Processing task for Alice\n"


@pytest.mark.parametrize("app", topic_apps(TOPIC), ids=str)
def test_no_task_runs_without_a_name(app, capsys):
    response = in_process_client(app).post("/task")
    assert response.status_code == {"fastapi": 422, "flask": 400}[app.framework]
    assert capsys.readouterr().out == ""
