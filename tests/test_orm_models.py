"""SQLModel and Flask-SQLAlchemy: the page's exchanges in order, its bad requests, and what each library does.

The exchanges change state, so they run in the order the page numbers them,
from empty tables, and the two tables of bad requests (bad_requests.md,
bad_bodies.md) after them, when the two items exist: in process, under uvicorn
and gunicorn on a SQLite file of their own, and under the same servers on a new
database of a throwaway PostgreSQL cluster (harness/postgres.py). The topic is
in ORDERED_TOPICS and its tables are not named bad_input.md, so the generic
runners leave all of it to this module.

Then what the page says of each library: what FastAPI's OpenAPI document
shows of SQLModel's three models; that FastAPI reads a request body into the
table model without validating it, and that neither table class validates
when constructed; that Flask-SQLAlchemy's session belongs to the app context
and is removed when it ends; what `db.get_or_404` and `db.paginate` answer
without the JSON error handler; that `db.paginate` caps per_page only when
given max_per_page, and that a huge page fails the query without the view's
check; that SQLite reads a negative LIMIT as none and a negative OFFSET as
zero, where PostgreSQL refuses both, which is why FastAPI's offset and limit
have lower bounds; and that generated page and per_page values, which the
suite's generated input does not send to Flask (it sends FastAPI's parameter
names), never get a 5xx.
"""

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, select
from werkzeug.exceptions import HTTPException

from harness.apps import get_app
from support.clients import in_process_client, serving_on
from support.endpoints import Endpoint
from support.exchanges import check_exchange, exchanges_in_order
from support.generated_input import requests_for, send_and_check
from support.tables import request_rows

TOPIC = "orm_models"
FASTAPI = get_app(TOPIC, "fastapi")
FLASK = get_app(TOPIC, "flask")
APPS = [FASTAPI, FLASK]
BAD_REQUESTS = request_rows(TOPIC, "bad_requests.md") + request_rows(TOPIC, "bad_bodies.md")
PEN = {"name": "Pen", "price": 1.5}
HUGE_PAGE = "9223372036854775808"  # 2**63: one past SQLite's and PostgreSQL's 64-bit integers


def empty_tables(app) -> None:
    """Drop and create the app's table on the database it uses in process."""
    module = app.module
    if app == FASTAPI:
        SQLModel.metadata.drop_all(module.engine)
        SQLModel.metadata.create_all(module.engine)
        return
    with module.app.app_context():
        module.db.drop_all()
        module.db.create_all()


def answers(rows, client) -> list[tuple[str, int]]:
    return [(row.case, row.send(client).status_code) for row in rows]


def expected(rows, app) -> list[tuple[str, int]]:
    return [(row.case, row.statuses[app.name]) for row in rows]


def the_page_holds(client, app, update: bool = False) -> None:
    """The shown exchanges in their order, then every bad request, with the statuses the tables give."""
    for exchange in exchanges_in_order(TOPIC, app):
        check_exchange(exchange, client, update=update)
    assert answers(BAD_REQUESTS, client) == expected(BAD_REQUESTS, app)


# ---------------------------------------------------------------- the contract


@pytest.mark.parametrize("app", APPS, ids=str)
def test_shown_exchanges_in_order_then_the_bad_requests(app, update_shown):
    empty_tables(app)
    the_page_holds(in_process_client(app), app, update=update_shown)


@pytest.mark.servers
@pytest.mark.parametrize("app", APPS, ids=str)
def test_over_a_socket_on_its_own_database_file(app, tmp_path: Path, update_shown):
    if update_shown:
        pytest.skip("--update-examples rewrites the shown files in process; compare on the next run")
    with serving_on(app, f"sqlite:///{tmp_path / 'items.db'}") as client:
        the_page_holds(client, app)


@pytest.mark.servers
@pytest.mark.parametrize("app", APPS, ids=str)
def test_on_postgresql_under_the_production_server(app, postgres_cluster, update_shown):
    if update_shown:
        pytest.skip("--update-examples rewrites the shown files in process; compare on the next run")
    database = postgres_cluster.create_database(f"orm_models_{app.name}")
    with serving_on(app, postgres_cluster.url(database=database)) as client:
        the_page_holds(client, app)


# ---------------------------------------------------------------- SQLModel's models in FastAPI


def test_the_openapi_document_shows_an_input_model_without_id_and_an_output_model_with_one():
    document = FASTAPI.app.openapi()
    schemas = document["components"]["schemas"]
    create = document["paths"]["/items"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ItemCreate"
    }
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ItemPublic"
    }
    assert "id" not in schemas["ItemCreate"]["properties"]
    assert schemas["ItemCreate"]["required"] == ["name", "price"]
    assert schemas["ItemPublic"]["required"] == ["name", "price", "id"]
    assert "Item" not in schemas  # the table model is in no request or response


def test_the_table_model_as_a_request_body_lets_anything_through():
    """What ItemCreate is for: FastAPI reads a body into the table model without validating it."""
    table_model = FASTAPI.module.Item
    app = FastAPI()

    @app.post("/raw")
    def take_the_table_model(item: table_model):
        return {"name": item.name, "price": item.price}

    client = TestClient(app)
    assert client.post("/raw", json={"name": "", "price": "not a number"}).json() == {
        "name": "",
        "price": "not a number",
    }
    assert client.post("/raw", json={"price": "1.5"}).json() == {"name": None, "price": "1.5"}


def test_each_library_names_the_table_from_the_class_and_neither_table_class_validates():
    assert FASTAPI.module.Item.__tablename__ == FLASK.module.Item.__tablename__ == "item"
    for module in (FASTAPI.module, FLASK.module):
        assert module.Item(name="", price="not a number").price == "not a number"


# ---------------------------------------------------------------- Flask-SQLAlchemy's session and helpers


def test_flask_sqlalchemy_gives_each_app_context_a_session_and_removes_it_at_the_end():
    module = FLASK.module
    with module.app.app_context():
        session = module.db.session()
        assert module.db.session() is session  # one session for the whole context
        module.db.session.add(module.Item(name="Never committed", price=1.0))
        assert session.new
    assert not session.new  # removed: closed, and what was not committed is gone
    with module.app.app_context():
        assert module.db.session() is not session


def test_without_the_json_handler_the_404s_are_flasks_html_page(monkeypatch):
    empty_tables(FLASK)
    monkeypatch.delitem(FLASK.app.error_handler_spec[None][None], HTTPException)
    client = in_process_client(FLASK)
    for target in ("/items/99", "/items?page=abc"):
        response = client.get(target)
        assert response.status_code == 404
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "<h1>Not Found</h1>" in response.text
    assert "<p>Item not found</p>" in client.get("/items/99").text


def test_max_per_page_cuts_per_page_to_100_without_saying_so():
    empty_tables(FLASK)
    client = in_process_client(FLASK)
    assert client.post("/items", json=PEN).status_code == 201
    assert client.get("/items?per_page=1000").json() == {
        "items": [{"id": 1, **PEN}],
        "page": 1,
        "pages": 1,
        "per_page": 100,
        "total": 1,
    }


def test_db_paginate_caps_per_page_only_when_given_max_per_page():
    module = FLASK.module
    with module.app.test_request_context("/items?per_page=1000"):
        assert module.db.paginate(module.db.select(module.Item)).per_page == 1000
        assert module.db.paginate(module.db.select(module.Item), max_per_page=100).per_page == 100


def test_without_the_views_check_a_huge_page_fails_the_query():
    module = FLASK.module
    empty_tables(FLASK)
    with module.app.test_request_context(f"/items?page={HUGE_PAGE}"), pytest.raises(OverflowError):
        module.db.paginate(module.db.select(module.Item), max_per_page=100)


PAGING = Endpoint(FLASK, "GET", "/items", query=("page", "per_page"))


@settings(max_examples=60)
@given(generated=requests_for(PAGING))
def test_generated_pages_never_get_a_5xx_from_flask(generated):
    send_and_check(in_process_client(FLASK), generated)


# ---------------------------------------------------------------- the tutorial's offset and limit


def three_rows(engine) -> None:
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    Item = FASTAPI.module.Item
    with Session(engine) as session:
        session.add_all([Item(name=name, price=1.0) for name in ("Pen", "Pencil", "Ink")])
        session.commit()


def test_on_sqlite_a_negative_limit_is_no_limit_and_a_negative_offset_is_none(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'limits.db'}")
    three_rows(engine)
    Item = FASTAPI.module.Item
    with Session(engine) as session:
        assert len(session.exec(select(Item).limit(-1)).all()) == 3
        assert len(session.exec(select(Item).offset(-1).limit(2)).all()) == 2
    engine.dispose()


@pytest.mark.servers
def test_on_postgresql_a_negative_limit_or_offset_fails_the_query(postgres_cluster):
    engine = create_engine(postgres_cluster.url(database=postgres_cluster.create_database("orm_limits")))
    three_rows(engine)
    Item = FASTAPI.module.Item
    with Session(engine) as session:
        for query, message in [
            (select(Item).limit(-1), "LIMIT must not be negative"),
            (select(Item).offset(-1), "OFFSET must not be negative"),
        ]:
            with pytest.raises(DBAPIError, match=message):
                session.exec(query).all()
            session.rollback()
    engine.dispose()
