"""Sessions and tokens in FastAPI: a signed session cookie (Starlette's SessionMiddleware) and
OAuth2's password flow handing out a JWT (PyJWT) that later requests send as a bearer token.
"""

import os
from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from starlette.middleware.sessions import SessionMiddleware

from .users import password_is_right

# --8<-- [start:config]
SESSION_SECRET = os.environ.get("SESSION_SECRET", "example-session-secret")
JWT_SECRET = os.environ.get("JWT_SECRET", "example-jwt-secret-of-32-bytes-or-more")
SECURE_COOKIE = os.environ.get("SESSION_COOKIE_SECURE", "1") != "0"
TOKEN_LIFETIME = timedelta(minutes=30)

app = FastAPI()
app.add_middleware(SessionMiddleware, secret_key=SESSION_SECRET, same_site="lax", https_only=SECURE_COOKIE)
LoginForm = Annotated[OAuth2PasswordRequestForm, Depends()]


def check_login(form: OAuth2PasswordRequestForm) -> None:
    if not password_is_right(form.username, form.password):
        raise HTTPException(status_code=400, detail="Wrong username or password")


# --8<-- [end:config]


# --8<-- [start:cookie]
# A signed session cookie: the browser sends it back by itself.
@app.post("/login", responses={400: {"description": "Wrong username or password"}})
def log_in(request: Request, form: LoginForm):
    check_login(form)
    request.session.clear()
    request.session["user"] = form.username
    return {"user": form.username}


def session_user(request: Request) -> str:
    if "user" not in request.session:
        raise HTTPException(status_code=401, detail="Not logged in")
    return request.session["user"]


@app.get("/me", responses={401: {"description": "No valid session cookie"}})
def read_me(user: Annotated[str, Depends(session_user)]):
    return {"user": user}


@app.post("/logout")
def log_out(request: Request):
    request.session.clear()
    return {"user": None}


# --8<-- [end:cookie]


# --8<-- [start:token]
# A bearer JWT: the client keeps the token and sends it in the Authorization header.
oauth2 = OAuth2PasswordBearer(tokenUrl="token")  # (1)!


@app.post("/token", responses={400: {"description": "Wrong username or password"}})
def issue_token(form: LoginForm, response: Response):
    check_login(form)
    claims = {"sub": form.username, "exp": datetime.now(UTC) + TOKEN_LIFETIME}
    response.headers["Cache-Control"] = "no-store"  # RFC 6749, 5.1
    return {
        "access_token": jwt.encode(claims, JWT_SECRET, algorithm="HS256"),
        "token_type": "bearer",
        "expires_in": int(TOKEN_LIFETIME.total_seconds()),
    }


def token_user(token: Annotated[str, Depends(oauth2)]) -> str:
    try:
        claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.InvalidTokenError:
        raise HTTPException(
            status_code=401,
            detail="Invalid token",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None
    return claims["sub"]


@app.get("/api/me", responses={401: {"description": "No valid bearer token"}})
def read_me_with_token(user: Annotated[str, Depends(token_user)]):
    return {"user": user}


# --8<-- [end:token]
