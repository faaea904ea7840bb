"""Requests and responses the pages show, kept as .http files beside each topic's apps.

`snippets/<topic>/http/<case>.request.http` is a request as a page shows it;
`<case>.<app>.http` is what that app answers, rendered by `render_response`.
The page includes both files, and `check_exchange` replays the request and
compares the rendering of the real response with the file, so the page can
only show what the app really answers.
"""

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

import httpx2

from .apps import SnippetApp, get_app
from .paths import SNIPPETS

# Topics whose exchanges change state (a database) and so must run in their own order.
ORDERED_TOPICS = {"database"}


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    def send(self, client: httpx2.Client) -> httpx2.Response:
        return client.request(self.method, self.target, headers=self.headers, content=self.body)


def parse_request(text: str) -> HttpRequest:
    """Parse `METHOD target HTTP/1.1`, header lines, a blank line, then the body."""
    head, _, body = text.partition("\n\n")
    request_line, *header_lines = head.splitlines()
    method, target, version = request_line.split(" ")
    if version != "HTTP/1.1":
        raise ValueError(f"request line must end in HTTP/1.1: {request_line!r}")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(": ")
        headers[name] = value
    return HttpRequest(method, target, headers, body.removesuffix("\n").encode())


def strict_json(text: str):
    """Parse as standard JSON: NaN and Infinity, which Python's json accepts, are errors."""

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def readable_json(value, level: int = 0) -> str:
    """JSON with one member per line, but lists of plain values (such as `loc`) on one line."""
    pad = "  " * level
    if isinstance(value, dict) and value:
        members = [f"{pad}  {json.dumps(key)}: {readable_json(v, level + 1)}" for key, v in value.items()]
        return "{\n" + ",\n".join(members) + f"\n{pad}}}"
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        items = [f"{pad}  {readable_json(item, level + 1)}" for item in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)


# Headers a page's point depends on; the rest (date, server, length) are noise.
SHOWN_HEADERS = ("content-type", "location", "www-authenticate", "x-request-id")
SHOWN_HEADER_PREFIXES = ("access-control-",)


def render_response(response: httpx2.Response) -> str:
    """The status line, the headers that matter and the body, JSON laid out as a reader would want it."""
    content_type = response.headers.get("content-type")
    shown = sorted(
        (name, value)
        for name, value in response.headers.items()
        if name in SHOWN_HEADERS or name.startswith(SHOWN_HEADER_PREFIXES)
    )
    head = [f"HTTP/1.1 {response.status_code}", *(f"{name}: {value}" for name, value in shown)]
    body = response.text
    if content_type == "application/json":
        body = readable_json(json.loads(body))
    text = "\n".join(head) + "\n"
    return text + f"\n{body.strip()}\n" if body.strip() else text


@dataclass(frozen=True)
class ShownExchange:
    app: SnippetApp
    case: str

    @property
    def folder(self) -> Path:
        return SNIPPETS / self.app.topic / "http"

    @property
    def request_path(self) -> Path:
        return self.folder / f"{self.case}.request.http"

    @property
    def response_path(self) -> Path:
        return self.folder / f"{self.case}.{self.app.name}.http"

    def __str__(self) -> str:
        return f"{self.app}:{self.case}"


def shown_exchanges(topic: str) -> list[ShownExchange]:
    exchanges = []
    for path in sorted((SNIPPETS / topic / "http").glob("*.http")):
        case, kind, _ = path.name.split(".")
        if kind == "request":
            continue
        exchange = ShownExchange(get_app(topic, kind), case)
        if not exchange.request_path.exists():
            raise FileNotFoundError(f"{path} has no {exchange.request_path.name}")
        exchanges.append(exchange)
    return exchanges


def all_shown_exchanges() -> list[ShownExchange]:
    """Every topic's exchanges, except ORDERED_TOPICS', whose own tests replay them in order."""
    topics = sorted(path.name for path in SNIPPETS.iterdir() if (path / "http").is_dir())
    return [
        exchange for topic in topics if topic not in ORDERED_TOPICS for exchange in shown_exchanges(topic)
    ]


def check_exchange(exchange: ShownExchange, client: httpx2.Client, update: bool = False) -> None:
    """Fail unless the app answers what the page shows; with `update`, rewrite the file instead."""
    request = parse_request(exchange.request_path.read_text())
    actual = render_response(request.send(client))
    if update:
        exchange.response_path.write_text(actual)
        return
    shown = exchange.response_path.read_text()
    if actual != shown:
        diff = "".join(
            difflib.unified_diff(
                shown.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{exchange.response_path.relative_to(SNIPPETS.parent)} (shown)",
                tofile="actual response",
            )
        )
        raise AssertionError(f"{exchange}: the page shows a response the app does not give\n{diff}")
