"""Every endpoint of every example app, with the inputs a client controls, and the robust ones.

An endpoint's inputs are those its FastAPI app declares in its OpenAPI
document (path, query, header and cookie parameters, security schemes that
read a header or a cookie, a request body), plus the headers the topic's pages
send. Flask declares nothing, so a Flask endpoint takes the inputs of the
FastAPI endpoint with the same method and path: both are held to one
contract. So does a Quart endpoint, whose URL map is Werkzeug's too. A
Flask or Quart endpoint with a body method (POST, PUT, PATCH) takes a body.

An endpoint is robust unless a page shows its app answering it with a 5xx
(a bad-input row or a shown exchange): those are the article's examples as
written, whose failures the page records instead of hiding.
"""

import re
from dataclasses import dataclass

from harness.apps import SnippetApp, all_apps

from .exchanges import read_request, shown_exchanges
from .tables import request_rows, topics_with_tables

BODY_METHODS = {"POST", "PUT", "PATCH"}
# Framework machinery rather than the example's own endpoints: Flask's static files,
# flask-openapi3's documentation blueprint, prometheus-flask-exporter's /metrics.
FRAMEWORK_ENDPOINTS = re.compile(r"^(static|openapi\..*|prometheus_metrics)$")
# Headers that frame the request rather than carry the example's input.
FRAMING_HEADERS = {"content-type", "content-length", "host"}


@dataclass(frozen=True)
class Endpoint:
    """One method and path template of one app, and the names of the inputs it reads."""

    app: SnippetApp
    method: str
    path: str  # the OpenAPI form: /items/{item_id}
    path_params: tuple[str, ...] = ()
    query: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    cookies: tuple[str, ...] = ()
    takes_body: bool = False

    def __str__(self) -> str:
        return f"{self.app}:{self.method} {self.path}"

    @property
    def declares_input(self) -> bool:
        return bool(self.path_params or self.query or self.headers or self.cookies or self.takes_body)

    def matches(self, method: str, path: str) -> bool:
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(self.path))
        return method == self.method and re.fullmatch(pattern, path) is not None


def document_endpoints(app: SnippetApp, shown_headers: tuple[str, ...]) -> list[Endpoint]:
    """A FastAPI app's endpoints, read from its OpenAPI document."""
    document = app.app.openapi()
    schemes = document.get("components", {}).get("securitySchemes", {})
    endpoints = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            found = {"path": [], "query": [], "header": [], "cookie": []}
            for parameter in operation.get("parameters", []):
                found[parameter["in"]].append(parameter["name"])
            for requirement in operation.get("security", []):
                for name in requirement:
                    scheme = schemes[name]
                    if scheme["type"] == "apiKey":
                        found[scheme["in"]].append(scheme["name"])
                    else:  # http (bearer, basic) and oauth2 read the Authorization header
                        found["header"].append("Authorization")
            endpoints.append(
                Endpoint(
                    app,
                    method.upper(),
                    path,
                    tuple(found["path"]),
                    tuple(found["query"]),
                    tuple(dict.fromkeys([*found["header"], *shown_headers])),
                    tuple(found["cookie"]),
                    "requestBody" in operation,
                )
            )
    return endpoints


def flask_endpoints(
    app: SnippetApp, counterparts: list[Endpoint], shown_headers: tuple[str, ...]
) -> list[Endpoint]:
    """A Flask app's endpoints from its URL map, with the inputs of the FastAPI endpoint they mirror."""
    endpoints = []
    for rule in app.app.url_map.iter_rules():
        if FRAMEWORK_ENDPOINTS.match(rule.endpoint):
            continue
        path = re.sub(r"<(?:[^<>]+:)?([^<>:]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            twin = next((e for e in counterparts if (e.method, e.path) == (method, path)), None)
            endpoints.append(
                Endpoint(
                    app,
                    method,
                    path,
                    tuple(rule.arguments),
                    twin.query if twin else (),
                    tuple(dict.fromkeys([*(twin.headers if twin else ()), *shown_headers])),
                    twin.cookies if twin else (),
                    method in BODY_METHODS,
                )
            )
    return endpoints


def topic_headers(topic: str) -> tuple[str, ...]:
    """The headers the topic's pages send: in shown requests and in request-table columns."""
    names = []
    for exchange in shown_exchanges(topic):
        names += read_request(exchange.request_path).headers
    if topic in topics_with_tables():
        names += [name for row in request_rows(topic) for name in row.headers]
    return tuple(dict.fromkeys(name for name in names if name.lower() not in FRAMING_HEADERS))


def all_endpoints() -> list[Endpoint]:
    """Every endpoint of every app under snippets/, FastAPI's first in each topic."""
    endpoints = []
    for topic in sorted({app.topic for app in all_apps()}):
        apps = [app for app in all_apps() if app.topic == topic]
        headers = topic_headers(topic)
        fastapi = [e for app in apps if app.framework == "fastapi" for e in document_endpoints(app, headers)]
        # Quart's URL map is Werkzeug's, as Flask's is.
        werkzeug = [
            e
            for app in apps
            if app.framework in ("flask", "quart")
            for e in flask_endpoints(app, fastapi, headers)
        ]
        endpoints += fastapi + werkzeug
    return endpoints


def shown_server_errors() -> set[tuple[SnippetApp, str, str]]:
    """(app, method, path) of every request a page shows some app answering with a 5xx."""
    errors = set()
    for topic in topics_with_tables():
        for row in request_rows(topic):
            errors |= {
                (app, row.method, row.path)
                for app in all_apps()
                if app.topic == topic and row.statuses.get(app.name, 0) >= 500
            }
    shown = (
        exchange for topic in sorted({app.topic for app in all_apps()}) for exchange in shown_exchanges(topic)
    )
    for exchange in shown:
        if exchange.response_path.exists() and shown_status(exchange.response_path.read_text()) >= 500:
            request = read_request(exchange.request_path)
            errors.add((exchange.app, request.method, request.target.split("?", 1)[0]))
    return errors


def shown_status(response: str) -> int:
    """The status code on a shown response's first line, `HTTP/1.1 200 OK`."""
    return int(response.split(maxsplit=2)[1])


def robust_endpoints() -> list[Endpoint]:
    """Every endpoint no page shows answering 5xx: generated input must never make it fail."""
    errors = shown_server_errors()
    return [
        endpoint
        for endpoint in all_endpoints()
        if not any(app == endpoint.app and endpoint.matches(method, path) for app, method, path in errors)
    ]
