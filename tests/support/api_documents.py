"""What an app's own OpenAPI document declares, and a check that every answer is declared.

FastAPI builds the document from the path operations; flask-openapi3 does the
same for Flask. Readers of `/docs` trust it, so a status an operation really
answers but leaves out of its document misleads them. `in_process_client`
installs `check_declared` as a response hook on every client for an app with a
document, so every in-process request of the suite (shown exchanges, bad-input
rows, generated requests, topic tests) is held to it.

Not checked: answers from no operation (an unknown path, a method the path
lacks, a trailing-slash redirect, the framework's own `/docs`), and 5xx, which
is a failure and not part of an API's promise (the bad-input tables record the
article's own 500s).
"""

import functools
import re
from urllib.parse import unquote

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Match
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect


class UndeclaredStatus(AssertionError):
    """An operation answered a status its API document does not declare."""


@functools.cache
def api_document(application) -> dict | None:
    """The app's OpenAPI document: FastAPI's, flask-openapi3's, or None for an app without one."""
    if isinstance(application, FastAPI):
        return application.openapi()
    if hasattr(application, "api_doc"):  # flask_openapi3.OpenAPI
        return application.api_doc
    return None


def fastapi_operation(application: FastAPI, method: str, path: str) -> str | None:
    """The documented path template whose operation serves `method path`, if one does."""
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    for route in application.router.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            if isinstance(route, APIRoute) and route.include_in_schema:
                return route.path_format
            return None
    return None


def flask_operation(application, method: str, path: str) -> str | None:
    """The same for a flask-openapi3 app: its rule, written as the document writes paths."""
    try:
        rule, _ = application.url_map.bind("testserver").match(path, method, return_rule=True)
    except (HTTPException, RequestRedirect):
        return None
    return re.sub(r"<(?:[^<>]+:)?([^<>:]+)>", r"{\1}", rule.rule)


def declared_statuses(application, method: str, path: str) -> set[str] | None:
    """The response keys the document declares for the operation serving `method path`, or None."""
    document = api_document(application)
    if document is None:
        return None
    find = fastapi_operation if isinstance(application, FastAPI) else flask_operation
    template = find(application, method, path)
    operation = document.get("paths", {}).get(template, {}).get(method.lower()) if template else None
    return None if operation is None else set(operation["responses"])


def is_declared(status: int, declared: set[str]) -> bool:
    return bool({str(status), f"{str(status)[0]}XX", "default"} & declared)


def check_declared(name: str, application, method: str, raw_path: str, status: int) -> None:
    """Fail when the operation serving the request answered a status its document leaves out."""
    if status >= 500:
        return
    declared = declared_statuses(application, method, unquote(raw_path))
    if declared is not None and not is_declared(status, declared):
        raise UndeclaredStatus(
            f"{name}: {method} {raw_path} answered {status}, but its OpenAPI document declares only "
            f"{sorted(declared)}. Declare it (FastAPI: the route's `responses=`) so /docs tells the truth."
        )


def declared_status_hook(name: str, application):
    """An httpx2 response hook that applies `check_declared` to every answer of an app."""

    def hook(response) -> None:
        request = response.request
        raw_path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
        check_declared(name, application, request.method, raw_path, response.status_code)

    return hook
