"""Flask-SQLAlchemy, the extension Flask's docs point to: SQLAlchemy 2 models and a session per app context.

Written the way Flask-SQLAlchemy's quick start writes it: `SQLAlchemy(model_class=Base)`,
`db.init_app(app)`, models on `db.Model` and `db.session`, which the extension
removes when the request's app context ends. `db.get_or_404` and `db.paginate`
read the id and the page and answer 404 for what is missing or out of range; the
error handler turns those 404s into JSON. The extension validates no input:
Pydantic does, as in the database topic.
"""

import os

from flask import Flask, abort, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from pydantic import BaseModel, Field, FiniteFloat, ValidationError
from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.exceptions import HTTPException

# The id column is PostgreSQL's 32-bit integer: a larger id fails the query there, and no page past
# it can hold a row.
MAX_ID = 2**31 - 1


# --8<-- [start:models]
class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


# db.Model is a class Flask-SQLAlchemy builds at run time from Base, which mypy cannot follow.
class Item(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    price: Mapped[float]


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    price: FiniteFloat


# --8<-- [end:models]


# --8<-- [start:setup]
app = Flask(__name__)
# SQLite by default, in the app's instance folder; PostgreSQL through psycopg 3 with postgresql+psycopg://...
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite:///items.db")
db.init_app(app)
with app.app_context():
    db.create_all()
# --8<-- [end:setup]


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
    row = Item(name=item.name, price=item.price)
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        return jsonify({"error": "An item with this name exists"}), 409
    return jsonify(as_json(row)), 201


@app.get("/items")
def list_items():
    if request.args.get("page", 1, type=int) > MAX_ID:  # (1)!
        abort(404)
    page = db.paginate(db.select(Item).order_by(Item.id), max_per_page=100)
    return jsonify(
        items=[as_json(row) for row in page],
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
        total=page.total,
    )


@app.get(f"/items/<int(max={MAX_ID}):item_id>")
def read_item(item_id):
    return jsonify(as_json(db.get_or_404(Item, item_id, description="Item not found")))


# --8<-- [end:views]
