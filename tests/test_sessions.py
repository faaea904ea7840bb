"""Sessions and tokens: every token the apps cannot trust is a 401 naming Bearer, and the
session cookie carries HttpOnly, SameSite=Lax and, unless turned off, Secure.

The shown exchanges and the bad-input table (tests/test_contracts.py,
tests/test_real_servers.py) hold fixed tokens, signed with the example key:
valid until 2100, expired in 2001, tampered, signed with another key. This
module makes tokens relative to now, each beside an intact twin that must
work, so that a 401 is known to come from the one thing changed; it logs in
for real to read the session cookie.
"""

import base64
import json
import time

import jwt
import pytest
from itsdangerous import TimestampSigner
from itsdangerous.encoding import base64_decode, bytes_to_int

from harness.apps import topic_apps
from harness.project import SNIPPETS
from support.clients import in_process_client
from support.tables import literal, read_pipe_table

APPS = topic_apps("sessions")
TITLES = {"fastapi": "FastAPI", "flask": "Flask"}
LOGIN = {"username": "alice", "password": "wonderland"}
ANOTHER_KEY = "another-secret-that-is-32-bytes-long"
COOKIE_ROWS = read_pipe_table(
    SNIPPETS / "sessions" / "cookie.md",
    reads=("SESSION_COOKIE_SECURE", "FastAPI's cookie attributes", "Flask's cookie attributes"),
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token(key: str, expires_in: float = 600, **claims) -> str:
    return jwt.encode(
        {"sub": "alice", "exp": int(time.time() + expires_in), **claims}, key, algorithm="HS256"
    )


def with_payload(signed: str, payload: dict) -> str:
    """The token with another payload and its original signature: what an attacker can forge."""
    header, _, signature = signed.split(".")
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


# Each case: a token the app must refuse, and the intact twin it must accept.
TOKEN_CASES = {
    "expired": lambda key: (token(key, expires_in=-5), token(key, expires_in=5)),
    "tampered": lambda key: (
        with_payload(token(key), {"sub": "mallory", "exp": int(time.time() + 600)}),
        token(key),
    ),
    "signed with another key": lambda key: (token(ANOTHER_KEY), token(key)),
}


@pytest.mark.parametrize("app", APPS, ids=str)
@pytest.mark.parametrize("case", TOKEN_CASES)
def test_a_token_that_cannot_be_trusted_is_a_401_naming_bearer(app, case):
    refused, intact = TOKEN_CASES[case](app.module.JWT_SECRET)
    client = in_process_client(app)
    assert client.get("/api/me", headers=bearer(intact)).json() == {"user": "alice"}
    response = client.get("/api/me", headers=bearer(refused))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize("app", APPS, ids=str)
def test_a_missing_token_is_a_401_naming_bearer(app):
    response = in_process_client(app).get("/api/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("app", APPS, ids=str)
def test_the_token_endpoint_hands_out_a_30_minute_token_that_works(app):
    client = in_process_client(app)
    response = client.post("/token", data=LOGIN)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert (body["token_type"], body["expires_in"]) == ("bearer", 1800)
    claims = jwt.decode(body["access_token"], app.module.JWT_SECRET, algorithms=["HS256"])
    assert claims["sub"] == "alice"
    assert 1790 < claims["exp"] - time.time() <= 1800
    assert client.get("/api/me", headers=bearer(body["access_token"])).json() == {"user": "alice"}


# One login per app and SESSION_COOKIE_SECURE setting: each costs a 600,000-round PBKDF2.
SET_COOKIES: dict[tuple[str, str | None], str] = {}


@pytest.fixture
def login_cookie(reimport):
    """The Set-Cookie header of a real login to `app` run with SESSION_COOKIE_SECURE=`secure`."""

    def log_in(app, secure: str | None) -> str:
        if (app.name, secure) not in SET_COOKIES:
            reimport(app, SESSION_COOKIE_SECURE=secure)
            response = in_process_client(app).post("/login", data=LOGIN)
            assert response.json() == {"user": LOGIN["username"]}
            SET_COOKIES[app.name, secure] = response.headers["set-cookie"]
        return SET_COOKIES[app.name, secure]

    return log_in


def attributes(set_cookie: str) -> str:
    """What follows the name and value: `path=/; httponly; ...`."""
    return set_cookie.partition("; ")[2]


def flags(set_cookie: str) -> dict[str, str]:
    """The cookie's attributes by lower-case name (a flag's value is "")."""
    pairs = (part.partition("=") for part in attributes(set_cookie).split("; "))
    return {name.lower(): value for name, _, value in pairs}


@pytest.mark.parametrize("app", APPS, ids=str)
@pytest.mark.parametrize("row", COOKIE_ROWS, ids=lambda row: row["Case"])
def test_the_cookie_has_the_attributes_the_table_shows(app, row, login_cookie):
    set_cookie = login_cookie(app, literal(row["SESSION_COOKIE_SECURE"]))
    assert attributes(set_cookie) == literal(row[f"{TITLES[app.framework]}'s cookie attributes"])


@pytest.mark.parametrize("app", APPS, ids=str)
@pytest.mark.parametrize("secure", [None, "0"], ids=["default", "SESSION_COOKIE_SECURE=0"])
def test_the_cookie_is_httponly(app, secure, login_cookie):
    assert "httponly" in flags(login_cookie(app, secure))


@pytest.mark.parametrize("app", APPS, ids=str)
@pytest.mark.parametrize("secure", [None, "0"], ids=["default", "SESSION_COOKIE_SECURE=0"])
def test_the_cookie_is_samesite_lax(app, secure, login_cookie):
    assert flags(login_cookie(app, secure))["samesite"].lower() == "lax"


@pytest.mark.parametrize("app", APPS, ids=str)
def test_the_cookie_is_secure_by_default(app, login_cookie):
    assert "secure" in flags(login_cookie(app, None))


@pytest.mark.parametrize("app", APPS, ids=str)
def test_the_cookie_is_not_secure_with_secure_cookies_turned_off(app, login_cookie):
    assert "secure" not in flags(login_cookie(app, "0"))


def session_pair(set_cookie: str) -> str:
    return set_cookie.partition("; ")[0]


@pytest.mark.parametrize("app", APPS, ids=str)
def test_the_session_cookie_logs_in_and_out(app, login_cookie):
    cookie = {"Cookie": session_pair(login_cookie(app, None))}
    client = in_process_client(app)
    assert client.get("/me", headers=cookie).json() == {"user": "alice"}
    logged_out = client.post("/logout", headers=cookie)
    assert logged_out.json() == {"user": None}
    assert "01 Jan 1970" in logged_out.headers["set-cookie"]  # the browser drops the cookie
    # The server keeps nothing: a copy of the cookie taken before logging out still works.
    assert client.get("/me", headers=cookie).json() == {"user": "alice"}


@pytest.mark.parametrize("app", APPS, ids=str)
def test_the_session_can_be_read_from_the_cookie(app, login_cookie):
    """Signed, not encrypted: the value starts with the session as base64 JSON."""
    value = session_pair(login_cookie(app, None)).partition("=")[2]
    payload = value.split(".", 1)[0]
    assert json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))) == {"user": "alice"}


# How long a copy of the cookie works: Starlette's max_age, Flask's PERMANENT_SESSION_LIFETIME.
DAYS_A_COOKIE_WORKS = {"fastapi": 14, "flask": 31}


@pytest.mark.parametrize("app", APPS, ids=str)
def test_a_session_cookie_works_until_it_expires(app, login_cookie, monkeypatch):
    pair = session_pair(login_cookie(app, None))
    signed_at = bytes_to_int(base64_decode(pair.rsplit(".", 2)[1]))  # value.timestamp.signature
    client = in_process_client(app)
    lifetime = DAYS_A_COOKIE_WORKS[app.framework] * 24 * 3600
    answered = []
    for seconds_later in (lifetime - 60, lifetime + 60):
        # Both sign with itsdangerous, which reads the clock here when it checks a signature's age.
        now = signed_at + seconds_later
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self, now=now: now)
        answered.append(client.get("/me", headers={"Cookie": pair}).status_code)
    assert answered == [200, 401]


@pytest.mark.parametrize("app", APPS, ids=str)
def test_a_session_cookie_with_a_forged_payload_is_a_401(app, login_cookie):
    name, _, value = session_pair(login_cookie(app, None)).partition("=")
    forged = base64.urlsafe_b64encode(b'{"user":"mallory"}').rstrip(b"=").decode()
    cookie = f"{name}={forged}{value[value.index('.') :]}"
    assert in_process_client(app).get("/me", headers={"Cookie": cookie}).status_code == 401


@pytest.mark.parametrize("app", APPS, ids=str)
def test_the_secrets_are_read_from_the_environment(app, login_cookie, reimport):
    """Re-imported with other secrets, each app refuses a cookie and a token signed with the defaults."""
    cookie = {"Cookie": session_pair(login_cookie(app, None))}
    default_token = token(app.module.JWT_SECRET)
    reimport(app, SESSION_SECRET="another-session-secret", JWT_SECRET=ANOTHER_KEY)
    client = in_process_client(app)
    assert client.get("/me", headers=cookie).status_code == 401
    assert client.get("/api/me", headers=bearer(default_token)).status_code == 401
    assert client.get("/api/me", headers=bearer(token(ANOTHER_KEY))).json() == {"user": "alice"}


def test_fastapi_documents_the_password_flow():
    """/docs gets an Authorize button: the OpenAPI document names the password flow and its token URL."""
    fastapi = next(app for app in APPS if app.framework == "fastapi")
    schemes = fastapi.app.openapi()["components"]["securitySchemes"]
    assert schemes == {
        "OAuth2PasswordBearer": {"type": "oauth2", "flows": {"password": {"scopes": {}, "tokenUrl": "token"}}}
    }
