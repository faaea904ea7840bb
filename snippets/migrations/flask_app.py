"""Schema migrations with Flask: Flask-SQLAlchemy models, and Flask-Migrate revisions that change the schema.

Flask-Migrate runs Alembic through the `flask db` commands, with the app's
configuration and models, so `flask --app snippets.migrations.flask_app db
upgrade` brings the database to head before the server starts; the app never
creates a table. migrations/versions/ holds the history.
"""

from pathlib import Path

from flask import Flask, jsonify
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


# --8<-- [start:models]
class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


# db.Model is a class Flask-SQLAlchemy builds at run time from Base, which mypy cannot follow.
class Item(db.Model):  # type: ignore[name-defined]
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(200))  # revision 0002 adds it


# --8<-- [end:models]

MAX_ID = 2**31 - 1  # Mapped[int] is PostgreSQL's 32-bit integer: a larger id would fail the query there

app = Flask(__name__)
# Flask-SQLAlchemy reads a relative SQLite path from the instance folder;
# FLASK_SQLALCHEMY_DATABASE_URI in the environment replaces it (from_prefixed_env).
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///flask_items.db"
app.config.from_prefixed_env()
db.init_app(app)
Migrate(app, db, directory=str(Path(__file__).with_name("migrations")))


@app.get("/items/<int:item_id>")
def read_item(item_id):
    row = db.session.get(Item, item_id) if item_id <= MAX_ID else None
    if row is None:
        return jsonify({"error": "Item not found"}), 404
    return jsonify({"id": row.id, "name": row.name, "description": row.description})
