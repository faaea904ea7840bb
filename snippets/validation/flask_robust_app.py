"""The article's Flask validation example made robust with Pydantic.

Same endpoint, same messages; every bad body gets a 4xx with a JSON error,
never a 500 or an HTML page. The errors leave out the input they reject: it
can hold NaN or Infinity, which Flask would write as invalid JSON.
"""

from flask import Flask, jsonify, request
from pydantic import BaseModel, FiniteFloat, ValidationError
from werkzeug.exceptions import HTTPException

app = Flask(__name__)


class Item(BaseModel):
    name: str
    price: FiniteFloat


@app.errorhandler(HTTPException)  # (1)!
def http_error_as_json(error: HTTPException):
    return jsonify({"error": error.name, "detail": error.description}), error.code


# --8<-- [start:view]
@app.route("/items", methods=["POST"])
def create_item():
    data = request.get_json()  # 415 unless Content-Type is JSON, 400 if malformed
    try:
        item = Item.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return jsonify({"error": "Invalid input", "detail": errors}), 400
    return jsonify({"message": "Item created", "item": item.model_dump()})


# --8<-- [end:view]
