"""Sessions and tokens in Flask: its own signed session cookie, and a JWT (PyJWT) handed out for
a username and password, which later requests send as a bearer token.
"""

import os
from datetime import UTC, datetime, timedelta

import jwt
from flask import Flask, request, session

from .users import password_is_right

# --8<-- [start:config]
JWT_SECRET = os.environ.get("JWT_SECRET", "example-jwt-secret-of-32-bytes-or-more")
TOKEN_LIFETIME = timedelta(minutes=30)

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("SESSION_SECRET", "example-session-secret"),
    SESSION_COOKIE_SAMESITE="Lax",
    SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE", "1") != "0",
)


def login_error():
    """None if the form holds the right username and password, else the answer to send."""
    username, password = request.form.get("username", ""), request.form.get("password", "")
    if not (username and password and password_is_right(username, password)):
        return {"detail": "Wrong username or password"}, 400
    return None


# --8<-- [end:config]


# --8<-- [start:cookie]
# A signed session cookie: the browser sends it back by itself.
@app.post("/login")
def log_in():
    if error := login_error():
        return error
    session.clear()
    session["user"] = request.form["username"]
    return {"user": session["user"]}


@app.get("/me")
def read_me():
    if "user" not in session:
        return {"detail": "Not logged in"}, 401
    return {"user": session["user"]}


@app.post("/logout")
def log_out():
    session.clear()
    return {"user": None}


# --8<-- [end:cookie]


# --8<-- [start:token]
# A bearer JWT: the client keeps the token and sends it in the Authorization header.
@app.post("/token")
def issue_token():
    if error := login_error():
        return error
    claims = {"sub": request.form["username"], "exp": datetime.now(UTC) + TOKEN_LIFETIME}
    token = jwt.encode(claims, JWT_SECRET, algorithm="HS256")
    body = {"access_token": token, "token_type": "bearer", "expires_in": int(TOKEN_LIFETIME.total_seconds())}
    return body, 200, {"Cache-Control": "no-store"}  # RFC 6749, 5.1


@app.get("/api/me")
def read_me_with_token():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return {"detail": "Not authenticated"}, 401, {"WWW-Authenticate": "Bearer"}
    try:
        claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.InvalidTokenError:
        return {"detail": "Invalid token"}, 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    return {"user": claims["sub"]}


# --8<-- [end:token]
