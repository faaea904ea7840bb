"""Path and query parameters in Flask: a URL converter for the path, `request.args` for the query."""

from flask import Flask, request

app = Flask(__name__)


@app.get("/items/<int:item_id>")
def read_item(item_id):
    q = request.args.get("q")
    try:
        limit = int(request.args.get("limit", "10"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 100:
        return {"error": "limit must be a whole number from 1 to 100"}, 400
    return {"item_id": item_id, "q": q, "limit": limit}
