"""Database access in Flask: the same SQLAlchemy 2 models on SQLite or PostgreSQL, a session per view.

Plain SQLAlchemy keeps the two versions comparable; Flask-SQLAlchemy wraps
the same engine and session setup in an extension.
"""

import os

from flask import Flask, jsonify, request
from pydantic import BaseModel, Field, FiniteFloat, ValidationError
from sqlalchemy import String, create_engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from werkzeug.exceptions import HTTPException

engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///items.db"))


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    price: Mapped[float]


Base.metadata.create_all(engine)


# --8<-- [start:session]
MAX_ID = 2**31 - 1  # Mapped[int] is PostgreSQL's 32-bit integer: a larger id fails the query there


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    price: FiniteFloat


app = Flask(__name__)


@app.errorhandler(HTTPException)
def http_error_as_json(error: HTTPException):
    return jsonify({"error": error.name, "detail": error.description}), error.code


@app.post("/items")
def create_item():
    try:
        item = ItemIn.model_validate(request.get_json())
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return jsonify({"error": "Invalid input", "detail": errors}), 422
    with Session(engine) as session:
        row = Item(name=item.name, price=item.price)
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            return jsonify({"error": "An item with this name exists"}), 409
        return jsonify({"id": row.id, "name": row.name, "price": row.price}), 201


@app.get("/items/<int:item_id>")
def read_item(item_id):
    if item_id > MAX_ID:
        return jsonify({"error": "Item not found"}), 404
    with Session(engine) as session:
        row = session.get(Item, item_id)
        if row is None:
            return jsonify({"error": "Item not found"}), 404
        return jsonify({"id": row.id, "name": row.name, "price": row.price})


# --8<-- [end:session]
