"""Request body in, response model out, in Flask with Pydantic doing both halves."""

from flask import Flask, jsonify, request
from pydantic import BaseModel, Field, ValidationError
from werkzeug.exceptions import HTTPException

app = Flask(__name__)


class UserIn(BaseModel):
    name: str = Field(min_length=1)
    email: str
    password: str = Field(min_length=8)


class UserOut(BaseModel):
    name: str
    email: str


@app.errorhandler(HTTPException)
def http_error_as_json(error: HTTPException):
    return jsonify({"error": error.name, "detail": error.description}), error.code


@app.post("/users")
def create_user():
    try:
        user = UserIn.model_validate(request.get_json())
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return jsonify({"error": "Invalid input", "detail": errors}), 422
    return jsonify(UserOut.model_validate(user.model_dump()).model_dump()), 201  # (1)!
