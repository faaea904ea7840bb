"""Error handling in Flask: the same domain error, and JSON for Werkzeug's own errors."""

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

app = Flask(__name__)

ITEMS = {1: "Pen", 2: "Pencil"}


class ItemNotFound(Exception):
    def __init__(self, item_id: int):
        self.item_id = item_id


@app.errorhandler(ItemNotFound)
def item_not_found(exc: ItemNotFound):
    return jsonify({"error": "Item not found", "item_id": exc.item_id}), 404


@app.errorhandler(HTTPException)  # (1)!
def http_error_as_json(error: HTTPException):
    return jsonify({"error": error.name}), error.code


@app.get("/items/<int:item_id>")
def read_item(item_id):
    if item_id not in ITEMS:
        raise ItemNotFound(item_id)
    return {"item_id": item_id, "name": ITEMS[item_id]}
