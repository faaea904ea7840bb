"""The validation example on Quart, written robust from the start, like Flask's robust version.

Quart keeps Flask's API, so this is Flask's robust app with `async def` and
`await request.get_json()`: every bad body gets a 4xx with a JSON error, never
a 500 or an HTML page. The errors leave out the input they reject: it can hold
NaN or Infinity, which would be written as invalid JSON.
"""

from pydantic import BaseModel, FiniteFloat, ValidationError
from quart import Quart, jsonify, request
from werkzeug.exceptions import HTTPException

app = Quart(__name__)


class Item(BaseModel):
    name: str
    price: FiniteFloat


@app.errorhandler(HTTPException)
async def http_error_as_json(error: HTTPException):
    # Werkzeug's errors (malformed JSON, wrong Content-Type) are HTML pages by
    # default, in Quart as in Flask; an API client expects JSON.
    return jsonify({"error": error.name, "detail": error.description}), error.code


@app.route("/items", methods=["POST"])
async def create_item():
    try:
        data = await request.get_json()  # (1)!
    except UnicodeDecodeError:  # Quart decodes the body as UTF-8 before parsing, outside its 400
        return jsonify({"error": "Bad Request", "detail": "The body is not UTF-8."}), 400
    try:
        item = Item.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return jsonify({"error": "Invalid input", "detail": errors}), 400
    return jsonify({"message": "Item created", "item": item.model_dump()})
