"""A complete Allow header on FastAPI's 405s: every method the path serves, not only one route's.

FastAPI hands a request whose path matches but whose method does not to the
first route with that path, and that route lists only its own methods:
`PATCH /items` gets `Allow: GET` although `POST /items` exists. RFC 9110
(15.5.6) asks for every method the resource supports. Register this handler
with `app.add_exception_handler(405, method_not_allowed)`; it collects the
methods of every route on `app.routes` whose path matches.
"""

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException
from starlette.routing import Match


async def method_not_allowed(request: Request, exc: HTTPException):
    allowed: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            allowed |= getattr(route, "methods", None) or set()
    exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(allowed))}
    return await http_exception_handler(request, exc)
