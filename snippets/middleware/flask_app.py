"""Flask's counterpart of middleware: `before_request` and `after_request` hooks on the app."""

import re
import uuid

from flask import Flask, g, request

app = Flask(__name__)

VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


@app.before_request
def read_request_id():
    request_id = request.headers.get("X-Request-ID", "")
    g.request_id = request_id if VALID_REQUEST_ID.fullmatch(request_id) else uuid.uuid4().hex  # (1)!


@app.after_request
def add_request_id(response):
    response.headers["X-Request-ID"] = g.request_id
    return response


@app.get("/")
def home():
    return {"message": "Hello"}
