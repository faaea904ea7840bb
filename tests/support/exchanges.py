"""Requests and responses the pages show, kept as .http files beside each topic's apps.

`snippets/<topic>/http/<case>.request.http` is a request as a page shows it
(a multipart body is sent with the CRLF line ends HTTP requires);
`<case>.<app>.http` is what that app answers, rendered by `render_response`.
The page includes both files, and `check_exchange` replays the request and
compares the rendering of the real response with the file, so the page can
only show what the app really answers.

Every shown request has a response from each framework among the topic's apps
(a `<case>.fastapi*.http` and a `<case>.flask*.http`), unless
ONE_FRAMEWORK_REQUESTS says that the page shows it in one framework's tab only.
A response the page lacks is a failing exchange that names the files
expected; under --update-examples it is written from a real run of the app
named for the framework (`fastapi`, `flask`), or of the framework's only app.

A rendered response shows every header except NOT_SHOWN_HEADERS: a header
that changes from run to run, or that only a real server adds, would make the
in-process and the real-server runs disagree with the file. For the same
reason a header whose value is an unordered list (UNORDERED_HEADERS) is shown
sorted.
"""

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2

from harness.apps import SnippetApp
from harness.project import SNIPPETS

from .clients import HttpRequest

# Topics whose exchanges change state (a database) and so must run in their own order.
ORDERED_TOPICS = {"database", "async_database", "orm_models"}
FRAMEWORK_TITLES = {"fastapi": "FastAPI", "flask": "Flask", "quart": "Quart"}
# Requests a page shows in one framework's tab only, by request file, with the
# framework whose answer it shows. Any other request needs an answer from each.
ONE_FRAMEWORK_REQUESTS = {
    # The timing apps' endpoints: FastAPI's tab times BackgroundTasks, Flask's its two callbacks.
    "background_tasks/http/slow_task.request.http": "fastapi",
    "background_tasks/http/after_this_request.request.http": "flask",
    "background_tasks/http/call_on_close.request.http": "flask",
    # An async endpoint that blocks the event loop: a pitfall FastAPI alone has.
    "concurrency/http/blocking_wait.request.http": "fastapi",
    # The article's pair: FastAPI's async endpoint, Flask's sync one.
    "io_wait/http/async.request.http": "fastapi",
    "io_wait/http/sync.request.http": "flask",
    # Quart's async endpoint, in the Quart tab beside the article's pair.
    "io_wait/http/quart_async.request.http": "quart",
    # One framework's failure in a "Checked" note, or its robust version's answer in its own tab;
    # the bad-input table gives the other framework's status.
    "validation/http/nan_price.request.http": "fastapi",
    "validation/http/null_body.request.http": "flask",
    "validation/http/text_plain.request.http": "flask",
    "validation/http/malformed.request.http": "flask",
    # Each framework's own paging parameters: FastAPI's tutorial's offset and limit, Flask-SQLAlchemy's page.
    "orm_models/http/7_offset_and_limit.request.http": "fastapi",
    "orm_models/http/8_page_and_per_page.request.http": "flask",
}
# Response headers a page does not show, each for its reason; every other header is shown.
NOT_SHOWN_HEADERS = (
    "date",  # the time of the response: differs on every run
    "server",  # names the server (uvicorn, gunicorn), not the app; in process there is none
    "content-length",  # framing, and the body below shows the length
    "connection",  # hop-by-hop (RFC 9110, 7.6.1): a real server's choice, absent in process
    "keep-alive",  # hop-by-hop, as connection
    "transfer-encoding",  # hop-by-hop framing: a real server may chunk what the in-process transport does not
    "etag",  # a static file's: made from its modification time, which each checkout sets anew
    "last-modified",  # a static file's modification time, as etag
)
# Headers whose value is a set, shown sorted: Werkzeug lists Allow from a Python set, whose
# order changes with each process's hash seed (PYTHONHASHSEED).
UNORDERED_HEADERS = ("allow",)


def parse_request(text: str, source: str = "request") -> HttpRequest:
    """Parse `METHOD target HTTP/1.1`, header lines, a blank line, then the body; `source` names the file."""
    head, _, body = text.partition("\n\n")
    request_line, *header_lines = head.splitlines()
    method, target, version = [*request_line.split(" "), "", ""][:3]
    if version != "HTTP/1.1" or not target:
        raise ValueError(f"{source}:1: the request line must be `METHOD target HTTP/1.1`: {request_line!r}")
    headers = {}
    for number, line in enumerate(header_lines, start=2):
        name, separator, value = line.partition(": ")
        if not separator or not name:
            raise ValueError(f'{source}:{number}: a header line is `Name: value`, with ": "; got {line!r}')
        headers[name] = value
    body = body.removesuffix("\n")
    if headers.get("Content-Type", "").startswith("multipart/"):
        # Multipart parts are delimited by CRLF (RFC 2046, 5.1.1), which the file cannot keep:
        # read_text() turns every line end into LF.
        body = body.replace("\n", "\r\n")
    return HttpRequest(method, target, headers, body.encode())


def read_request(path: Path) -> HttpRequest:
    return parse_request(path.read_text(), source=str(path))


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


def shown_value(name: str, value: str) -> str:
    """The value as shown: a set of methods in a fixed order, so that two runs show the same text."""
    return ", ".join(sorted(value.split(", "))) if name in UNORDERED_HEADERS else value


def shown_headers(response: httpx2.Response) -> list[tuple[str, str]]:
    """Every header but NOT_SHOWN_HEADERS, by name; a repeated one (set-cookie) once per value, as sent."""
    headers = [
        (name, shown_value(name, value))
        for name, value in response.headers.multi_items()
        if name not in NOT_SHOWN_HEADERS
    ]
    return sorted(headers, key=lambda header: header[0])


def render_response(response: httpx2.Response) -> str:
    """The status line, the headers and the body, JSON laid out as a reader would want it."""
    head = [
        f"HTTP/1.1 {response.status_code}",
        *(f"{name}: {value}" for name, value in shown_headers(response)),
    ]
    body = response.text
    if response.headers.get("content-type") == "application/json" and body:  # a HEAD answer has no body
        body = readable_json(json.loads(body))
    text = "\n".join(head) + "\n"
    return text + f"\n{body.strip()}\n" if body.strip() else text


@dataclass(frozen=True)
class ShownExchange:
    """A shown request and the file holding one app's response to it."""

    app: SnippetApp
    case: str
    snippets: Path = SNIPPETS

    @property
    def folder(self) -> Path:
        return self.snippets / self.app.topic / "http"

    @property
    def request_path(self) -> Path:
        return self.folder / f"{self.case}.request.http"

    @property
    def response_path(self) -> Path:
        return self.folder / f"{self.case}.{self.app.name}.http"

    @property
    def can_be_written(self) -> bool:
        """Whether --update-examples may write the response file: this one names its app."""
        return True

    def shown(self, path: Path) -> str:
        return str(path.relative_to(self.snippets.parent))

    def missing_message(self) -> str:
        return f"{self}: {self.shown(self.response_path)} is missing; --update-examples writes it"

    def __str__(self) -> str:
        return f"{self.app}:{self.case}"


@dataclass(frozen=True)
class MissingResponse(ShownExchange):
    """A framework's answer to a shown request that no file holds yet; `app` is the one that would answer."""

    candidates: tuple[SnippetApp, ...] = ()  # the framework's apps: a response file from any of them would do

    @property
    def can_be_written(self) -> bool:
        """Only for an app the file name leaves no doubt about: named for the framework, or its only app."""
        return self.app.name == self.app.framework or len(self.candidates) == 1

    def missing_message(self) -> str:
        framework = FRAMEWORK_TITLES[self.app.framework]
        expected = " or ".join(
            self.shown(self.folder / f"{self.case}.{app.name}.http") for app in self.candidates
        )
        how = (
            f"run the tests with --update-examples to write {self.shown(self.response_path)} from a real run"
            if self.can_be_written
            else f"there are several {framework} apps and none named {self.app.framework}: create an empty "
            "file for the app you mean, and --update-examples fills it"
        )
        return (
            f"{self}: the page shows {self.shown(self.request_path)} but no {framework} response to it; "
            f"expected {expected}. To add it, {how}. If the page shows this request in one framework's "
            "tab only, declare it in ONE_FRAMEWORK_REQUESTS in tests/support/exchanges.py."
        )


def apps_in(snippets: Path, topic: str) -> list[SnippetApp]:
    """The topic's apps, found by file name as support.apps finds them, under any snippets folder."""
    return [
        SnippetApp(topic, path.stem.removesuffix("_app"))
        for path in sorted((snippets / topic).glob("*_app.py"))
    ]


def response_exchange(path: Path, apps: list[SnippetApp], snippets: Path) -> ShownExchange:
    """The exchange a response file shows; an error if no app or no request goes with it."""
    case, name, _ = path.name.split(".")
    app = next((app for app in apps if app.name == name), None)
    if app is None:
        raise ValueError(f"{path}: no app {path.parent.parent / name}_app.py gives this response")
    exchange = ShownExchange(app, case, snippets)
    if not exchange.request_path.exists():
        raise FileNotFoundError(f"{path} has no {exchange.request_path.name}")
    return exchange


def frameworks_that_answer(
    request: Path, snippets: Path, apps: list[SnippetApp], answered: set[str]
) -> set[str]:
    """Each framework among the topic's apps, or the one ONE_FRAMEWORK_REQUESTS names."""
    frameworks = {app.framework for app in apps}
    only = ONE_FRAMEWORK_REQUESTS.get(request.relative_to(snippets).as_posix())
    if only is None:
        return frameworks
    if only not in frameworks:
        raise ValueError(f"{request}: ONE_FRAMEWORK_REQUESTS names {only}, which has no app in the topic")
    if answered - {only}:
        raise ValueError(
            f"{request}: ONE_FRAMEWORK_REQUESTS in tests/support/exchanges.py says the page shows it for "
            f"{only} only, but {sorted(answered)} answer it: remove its entry"
        )
    return {only}


def missing_responses(
    request: Path, found: list[ShownExchange], apps: list[SnippetApp], snippets: Path
) -> Iterator[MissingResponse]:
    """A stand-in exchange for each framework that should answer a shown request and has no file."""
    case = request.name.removesuffix(".request.http")
    answered = {exchange.app.framework for exchange in found if exchange.case == case}
    for framework in sorted(frameworks_that_answer(request, snippets, apps, answered) - answered):
        candidates = tuple(app for app in apps if app.framework == framework)
        named = [app for app in candidates if app.name == framework]
        yield MissingResponse((named or list(candidates))[0], case, snippets, candidates)


def shown_exchanges(topic: str, snippets: Path = SNIPPETS) -> list[ShownExchange]:
    """Every response file of a topic, and a MissingResponse for each answer a shown request lacks."""
    folder = snippets / topic / "http"
    apps = apps_in(snippets, topic)
    responses = [path for path in sorted(folder.glob("*.http")) if not path.name.endswith(".request.http")]
    found = [response_exchange(path, apps, snippets) for path in responses]
    missing = [
        exchange
        for request in sorted(folder.glob("*.request.http"))
        for exchange in missing_responses(request, found, apps, snippets)
    ]
    return sorted(found + missing, key=lambda exchange: (exchange.case, exchange.app.name))


def exchanges_in_order(topic: str, app) -> list[ShownExchange]:
    """One app's exchanges of an ORDERED_TOPICS topic, in the order their numbered files give."""
    return sorted((exchange for exchange in shown_exchanges(topic) if exchange.app == app), key=str)


def all_shown_exchanges(snippets: Path = SNIPPETS) -> list[ShownExchange]:
    """Every topic's exchanges, except ORDERED_TOPICS', whose own tests replay them in order."""
    topics = sorted(path.name for path in snippets.iterdir() if (path / "http").is_dir())
    return [
        exchange
        for topic in topics
        if topic not in ORDERED_TOPICS
        for exchange in shown_exchanges(topic, snippets)
    ]


def check_exchange(exchange: ShownExchange, client: httpx2.Client, update: bool = False) -> None:
    """Fail unless the app answers what the page shows; with `update`, write the file instead."""
    request = read_request(exchange.request_path)
    if not exchange.response_path.exists() and not (update and exchange.can_be_written):
        raise AssertionError(exchange.missing_message())
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
                fromfile=f"{exchange.shown(exchange.response_path)} (shown)",
                tofile="actual response",
            )
        )
        raise AssertionError(f"{exchange}: the page shows a response the app does not give\n{diff}")
