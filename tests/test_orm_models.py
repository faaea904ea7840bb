"""Both apps give the same answer, also to requests the page does not show.

Topic: SQLModel and Flask-SQLAlchemy

tests/test_contracts.py and tests/test_real_servers.py check the shown
exchange and snippets/orm_models/bad_input.md against each app; this module holds
the FastAPI and the Flask app to one answer for each request below.
"""

import pytest

from harness.apps import topic_apps
from support.clients import in_process_client


@pytest.mark.parametrize("query", ["", "?value=1", "?value=", "?value=Zo%C3%AB"])
def test_both_frameworks_give_the_same_answer(query):
    answers = []
    for app in topic_apps("orm_models"):
        response = in_process_client(app).get(f"/orm_models{query}")
        answers.append((response.status_code, response.json()))
    assert len(answers) == 2
    assert answers[0] == answers[1]
