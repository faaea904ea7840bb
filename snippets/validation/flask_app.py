"""The article's Flask validation example, as the article wrote it.

It checks that two keys exist and nothing else: see the page for what it does
with a `null` body, a list, or a price of "abc".
"""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/items", methods=["POST"])
def create_item():
    data = request.json
    if "name" not in data or "price" not in data:
        return jsonify({"error": "Invalid input"}), 400
    return jsonify({"message": "Item created", "item": data})
