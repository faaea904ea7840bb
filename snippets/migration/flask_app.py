"""The Flask app being moved to FastAPI, route by route: a key check and one error format for all.

Every request needs the `X-API-Key` header, checked in `before_request`;
every error answers `{"error": ...}`. fastapi_app.py mounts this app as it
is and takes over one route, and clients must not notice the move.
"""

import os
import secrets

from flask import Flask, abort, request
from werkzeug.exceptions import HTTPException

# --8<-- [start:app]
API_KEY = os.environ.get("API_KEY", "example-key")
ITEMS = {1: "Pen", 2: "Pencil"}


def key_is_valid(key: str | None) -> bool:
    """The one key check both sides of the move call, so it cannot drift apart."""
    return key is not None and secrets.compare_digest(key.encode(), API_KEY.encode())


app = Flask(__name__)


@app.before_request
def require_key():
    if not key_is_valid(request.headers.get("X-API-Key")):
        abort(401)


@app.after_request
def name_the_server(response):
    response.headers["X-Served-By"] = "flask"
    return response


@app.errorhandler(HTTPException)
def error_as_json(error: HTTPException):
    return {"error": error.name}, error.code


@app.get("/items")
def list_items():
    return {"items": [{"id": item_id, "name": name} for item_id, name in ITEMS.items()]}


@app.get("/items/<int:item_id>")
def read_item(item_id: int):
    if item_id not in ITEMS:
        abort(404)
    return {"id": item_id, "name": ITEMS[item_id]}


# --8<-- [end:app]
