"""A small Flask app to show how Flask apps are tested: items come from the app's config."""

from flask import Flask, current_app

app = Flask(__name__)
app.config["ITEMS"] = {1: "Pen", 2: "Pencil"}


@app.get("/items/<int:item_id>")
def read_item(item_id):
    items = current_app.config["ITEMS"]
    if item_id not in items:
        return {"detail": "Item not found"}, 404
    return {"id": item_id, "name": items[item_id]}
