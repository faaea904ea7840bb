"""The article's Flask validation example, as written; flask_robust_app.py is the one to copy."""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/items", methods=["POST"])
def create_item():
    data = request.json
    if "name" not in data or "price" not in data:  # (1)!
        return jsonify({"error": "Invalid input"}), 400
    return jsonify({"message": "Item created", "item": data})
