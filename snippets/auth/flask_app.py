"""Bearer-token authentication in Flask: a decorator that checks the Authorization header."""

import functools
import os
import secrets

from flask import Flask, request

API_TOKEN = os.environ.get("API_TOKEN", "example-token")  # (1)!
INVALID_TOKEN = {"WWW-Authenticate": 'Bearer error="invalid_token"'}  # (3)!

app = Flask(__name__)


def require_token(view):
    @functools.wraps(view)
    def checked_view(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return {"detail": "Not authenticated"}, 401, {"WWW-Authenticate": "Bearer"}  # (2)!
        if not secrets.compare_digest(token.encode(), API_TOKEN.encode()):
            return {"detail": "Invalid token"}, 401, INVALID_TOKEN
        return view(*args, **kwargs)

    return checked_view


@app.get("/secret")
@require_token
def read_secret():
    return {"secret": "The cake is a lie"}
