"""Testing a FastAPI app: TestClient calls it in process, and dependency_overrides swaps a dependency.

Run with pytest; no server is started.
"""

from fastapi.testclient import TestClient

from snippets.testing.fastapi_app import app, get_items

client = TestClient(app)


def test_read_item():
    response = client.get("/items/1")
    assert response.status_code == 200
    assert response.json() == {"id": 1, "name": "Pen"}


def test_missing_item():
    response = client.get("/items/99")
    assert response.status_code == 404
    assert response.json() == {"detail": "Item not found"}


def test_with_other_items():
    app.dependency_overrides[get_items] = lambda: {7: "Stapler"}
    try:
        assert client.get("/items/7").json() == {"id": 7, "name": "Stapler"}
    finally:
        app.dependency_overrides.clear()
