"""Routing and HTTP methods in Flask: the same routes with Flask 2.0's method decorators."""

from flask import Flask

app = Flask(__name__)


@app.get("/items")
def list_items():
    return {"items": ["Pen", "Pencil"]}


@app.post("/items")
def create_item():
    return {"message": "Item created"}, 201


@app.put("/items/<int:item_id>")
def replace_item(item_id):
    return {"message": f"Item {item_id} replaced"}


@app.delete("/items/<int:item_id>")
def delete_item(item_id):
    return "", 204
