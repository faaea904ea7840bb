"""Request validation: what the bad-input table cannot say on its own.

The table on the page (checked by tests/test_contracts.py) gives each app's
status for every kind of bad body. Here: the table covers every kind the
site promises, the robust versions always answer with valid JSON, and a
response model changes the article's 500 for a NaN price into a null.
"""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from harness.apps import get_app
from support.clients import in_process_client
from support.exchanges import strict_json
from support.tables import request_rows

TOPIC = "validation"
ROWS = request_rows(TOPIC)
ROBUST_APPS = [get_app(TOPIC, "fastapi_robust"), get_app(TOPIC, "flask_robust")]
REQUIRED_CASES = {
    "missing field",
    "wrong type",
    "malformed JSON",
    "JSON null",
    "JSON list",
    "wrong Content-Type",
    "no Content-Type",
    "empty body",
}


def test_table_has_every_kind_of_bad_input():
    assert {row.case for row in ROWS} >= REQUIRED_CASES


@pytest.mark.parametrize("app", ROBUST_APPS, ids=str)
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_robust_apps_answer_valid_json(row, app):
    response = row.send(in_process_client(app))
    assert response.headers["content-type"] == "application/json"
    strict_json(response.text)


def nan_app() -> FastAPI:
    """The article's endpoint four ways: what it returns, and whether FastAPI knows it is an Item."""
    Item = get_app(TOPIC, "fastapi").module.Item
    app = FastAPI()

    @app.post("/annotated")
    async def annotated(item: Item) -> Item:
        return item

    @app.post("/response-model", response_model=Item)
    async def response_model(item: Item):
        return item.model_dump()

    @app.post("/unannotated")
    async def unannotated(item: Item):
        return item

    @app.post("/article")
    async def article(item: Item):
        return {"message": "Item created", "item": item}

    return app


NULL_PRICE = (200, "application/json", '{"name":"Pen","price":null}')
NOT_JSON = (500, "text/plain; charset=utf-8", "Internal Server Error")


@pytest.mark.parametrize("price", ["NaN", "inf"])
@pytest.mark.parametrize(
    ("path", "answer"),
    [
        ("/annotated", NULL_PRICE),
        ("/response-model", NULL_PRICE),
        ("/unannotated", NOT_JSON),
        ("/article", NOT_JSON),
    ],
    ids=["-> Item", "response_model=Item", "an Item, unannotated", "the article's dict"],
)
def test_a_response_model_writes_a_non_finite_price_as_null(path, answer, price):
    """With a response model FastAPI serialises through pydantic, whose ser_json_inf_nan is "null"
    by default; without one, Starlette's JSONResponse refuses NaN and infinity, and the app fails."""
    client = TestClient(nan_app(), raise_server_exceptions=False)
    response = client.post(path, json={"name": "Pen", "price": price})
    assert (response.status_code, response.headers["content-type"], response.text) == answer
