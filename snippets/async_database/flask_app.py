"""The same items in Flask: synchronous SQLAlchemy on the same SQLite file, a session per view.

A Flask view waits for its query on its worker thread; how many wait at once
is the server's number of threads and processes.
"""

import os

from flask import Flask, jsonify, request
from pydantic import BaseModel, Field, FiniteFloat, ValidationError
from sqlalchemy import String, create_engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from werkzeug.exceptions import HTTPException

SQLITE_FILE = os.environ.get("SQLITE_FILE", "async_items.db")
MAX_ID = 2**31 - 1  # Mapped[int] is PostgreSQL's 32-bit integer: a larger id fails the query there
MAX_OFFSET = 2**63 - 1  # SQLite's and PostgreSQL's 64-bit OFFSET: a larger one fails the query

# SQLite by default; PostgreSQL through psycopg with postgresql+psycopg://...
engine = create_engine(os.environ.get("SYNC_DATABASE_URL", f"sqlite:///{SQLITE_FILE}"))


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    price: Mapped[float]


Base.metadata.create_all(engine)


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    price: FiniteFloat


class Page(BaseModel):
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    limit: int = Field(10, ge=1, le=100)


app = Flask(__name__)


@app.errorhandler(HTTPException)
def http_error_as_json(error: HTTPException):
    return jsonify({"error": error.name, "detail": error.description}), error.code


@app.errorhandler(ValidationError)
def invalid_input(error: ValidationError):
    errors = error.errors(include_url=False, include_context=False, include_input=False)
    return jsonify({"error": "Invalid input", "detail": errors}), 422


def as_json(row: Item) -> dict:
    return {"id": row.id, "name": row.name, "price": row.price}


# --8<-- [start:views]
@app.post("/items")
def create_item():
    item = ItemIn.model_validate(request.get_json())
    with Session(engine) as session:
        row = Item(name=item.name, price=item.price)
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            return jsonify({"error": "An item with this name exists"}), 409
        return jsonify(as_json(row)), 201


@app.get("/items")
def list_items():
    page = Page.model_validate(request.args.to_dict())  # (1)!
    with Session(engine) as session:
        rows = session.scalars(select(Item).order_by(Item.id).offset(page.offset).limit(page.limit))
        return jsonify([as_json(row) for row in rows])


@app.get("/items/<int:item_id>")
def read_item(item_id):
    if item_id > MAX_ID:
        return jsonify({"error": "Item not found"}), 404
    with Session(engine) as session:
        row = session.get(Item, item_id)
        if row is None:
            return jsonify({"error": "Item not found"}), 404
        return jsonify(as_json(row))


# --8<-- [end:views]
