"""Hardening FastAPI: security headers on every answer, body and rate limits; proxies are uvicorn's job.

Behind a proxy the app needs no code: uvicorn rewrites the client address
and scheme from X-Forwarded-For and X-Forwarded-Proto when the peer is in its
`--forwarded-allow-ips`. The endpoints do no blocking work, so they are
`async def` and run on the event loop.
"""

from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from slowapi import Limiter, _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded
from slowapi.util import get_remote_address
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# --8<-- [start:headers]
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# Browsers ignore it over plain HTTP (RFC 6797), so it is sent over HTTPS only.
HSTS = "max-age=63072000; includeSubDomains"


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers to every response that has not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        added = dict(SECURITY_HEADERS)
        if scope.get("scheme") == "https":
            added["Strict-Transport-Security"] = HSTS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in added.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HardenedFastAPI(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())  # (1)!


# --8<-- [end:headers]


# --8<-- [start:body_size]
# No /docs: Swagger UI loads its script from a CDN, which the Content-Security-Policy forbids.
app = HardenedFastAPI(max_body_size=1024 * 1024, docs_url=None, redoc_url=None)


class Note(BaseModel):
    text: str


@app.post(
    "/notes",
    responses={400: {"description": "The body is not UTF-8"}, 413: {"description": "The body is over 1 MiB"}},
)
async def add_note(note: Note):
    return {"length": len(note.text)}


@app.exception_handler(RequestValidationError)  # (1)!
async def validation_error(request: Request, exc: RequestValidationError):
    errors = [{key: value for key, value in error.items() if key != "input"} for error in exc.errors()]
    return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


# --8<-- [end:body_size]


# --8<-- [start:proxy]
@app.get("/client")
async def client(request: Request):
    """The client's address and the scheme, as the app sees them."""
    return {"client": request.client.host if request.client else None, "scheme": request.url.scheme}


# --8<-- [end:proxy]


@app.get("/crash")
async def crash():
    raise RuntimeError("a bug no handler expects")


# --8<-- [start:rate_limit]
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", headers_enabled=True)
app.state.limiter = limiter


@app.exception_handler(RateLimitExceeded)
async def rate_limit_exceeded(request: Request, exc: RateLimitExceeded) -> Response:
    return _rate_limit_exceeded_handler(request, exc)  # (1)!


@app.get("/report", responses={429: {"description": "Over 3 requests a minute from this client"}})
@limiter.limit("3/minute")
async def report(request: Request, response: Response):
    """An expensive endpoint. slowapi needs `request`, and `response` to add its headers."""
    return {"report": "ready"}


# --8<-- [end:rate_limit]
