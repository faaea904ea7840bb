"""Testing a Flask app: the test client calls it in process, and the config is swapped per test.

Run with pytest; no server is started. (Apps built by an app factory get a
fresh app per test instead.)
"""

import pytest

from snippets.testing.flask_app import app


@pytest.fixture
def client():
    app.config.update(TESTING=True)
    with app.test_client() as client:
        yield client


def test_read_item(client):
    response = client.get("/items/1")
    assert response.status_code == 200
    assert response.get_json() == {"id": 1, "name": "Pen"}


def test_missing_item(client):
    response = client.get("/items/99")
    assert response.status_code == 404
    assert response.get_json() == {"detail": "Item not found"}


def test_with_other_items(client, monkeypatch):
    monkeypatch.setitem(app.config, "ITEMS", {7: "Stapler"})
    assert client.get("/items/7").get_json() == {"id": 7, "name": "Stapler"}
