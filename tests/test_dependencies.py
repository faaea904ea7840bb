"""Per-request resources: both apps close the connection they opened, once the request is done."""

import sqlite3

import pytest

from harness.apps import get_app, topic_apps
from support.clients import in_process_client


@pytest.mark.parametrize("app", topic_apps("dependencies"), ids=str)
def test_each_request_gets_its_own_connection_closed_afterwards(app, monkeypatch):
    opened = []
    connect = sqlite3.connect

    def recording_connect(*args, **kwargs):
        opened.append(connect(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(sqlite3, "connect", recording_connect)
    client = in_process_client(app)
    assert client.get("/shout", params={"word": "a"}).json() == {"shout": "A"}
    assert client.get("/shout", params={"word": "b"}).json() == {"shout": "B"}
    assert len(opened) == 2
    for connection in opened:
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            connection.execute("SELECT 1")


def test_flask_hands_out_one_connection_per_request_however_often_asked():
    module = get_app("dependencies", "flask").module
    with module.app.test_request_context("/shout?word=a"):
        assert module.get_db() is module.get_db()
