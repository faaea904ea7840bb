"""Hardening Flask: ProxyFix behind a proxy, security headers on every answer, body and rate limits.

ProxyFix believes the last X-Forwarded-For and X-Forwarded-Proto values
whoever connects: it counts hops and cannot check the peer, so only the proxy
may reach the server. `after_request` runs on every response Flask makes,
the 500 of an unhandled exception included (outside debug and testing mode).
"""

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)


# --8<-- [start:proxy]
# One proxy in front: believe the last value of each header, whoever sent the request.
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]


@app.get("/client")
def client():
    """The client's address and the scheme, as the app sees them."""
    return {"client": request.remote_addr, "scheme": request.scheme}


# --8<-- [end:proxy]


# --8<-- [start:headers]
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# Browsers ignore it over plain HTTP (RFC 6797), so it is sent over HTTPS only.
HSTS = "max-age=63072000; includeSubDomains"


@app.after_request
def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


# --8<-- [end:headers]


@app.get("/crash")
def crash():
    raise RuntimeError("a bug no handler expects")


# --8<-- [start:rate_limit]
limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", headers_enabled=True)


@app.get("/report")
@limiter.limit("3 per minute")
def report():
    """An expensive endpoint."""
    return {"report": "ready"}


# --8<-- [end:rate_limit]


# --8<-- [start:body_size]
app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024


@app.post("/notes")
def add_note():
    note = request.get_json()  # 413 here, before reading, if Content-Length is over the limit
    if not isinstance(note, dict) or not isinstance(note.get("text"), str):
        raise BadRequest("Expected a JSON object with a string `text`.")
    return {"length": len(note["text"])}


# --8<-- [end:body_size]
