"""Many distinct requests at once: an answer that carries another request's data is shared state.

A module-level variable where `g` or a ContextVar belongs (the request ID of
whichever request came last) passes every request sent alone. It shows only
when requests overlap, and only if they differ. So each app gets the requests
its pages show (its exchanges and its table rows), each made distinct where
it carries text of its own: a header value, a query value, a JSON string gets
a numbered suffix (`order-42` becomes `order-42-7`). What each should get is
what it got alone; then all of them are sent at the same moment, and each
answer must be the one it got alone.

A request whose answer changes from one lone send to the next (a rate limit
counting down, a new random ID, a time) cannot be held to one answer, and is
sent along but not compared.
"""

import json
import math
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import httpx2

from harness.apps import SnippetApp

from .clients import HttpRequest, socket_client
from .exchanges import read_request, render_response, shown_exchanges
from .tables import request_rows, topics_with_tables

AT_ONCE = 50  # requests in flight together, at least
SLOW_SECONDS = 0.05  # a request slower than this alone is sent once per burst, not copied
TIME_RESOLUTION = 1.1  # seconds: more than the one-second steps of the times that answers carry
# Headers that frame the request or pick its route: a suffix there changes what is asked, not who asks.
KEPT_HEADERS = {"content-type", "content-length", "host", "transfer-encoding", "origin"}
# Apps whose pages show state shared across requests on purpose, by app, with the reason.
SHARED_ON_PURPOSE: dict[str, str] = {}


@dataclass(frozen=True)
class Sent:
    """One request of the burst, and what the app answered when it came alone (None: no one answer)."""

    label: str
    request: HttpRequest
    alone: str | None = None


def with_suffix(value: str, suffix: str) -> str:
    return f"{value}{suffix}" if value else value


def distinct_body(body: bytes, suffix: str) -> bytes:
    """A JSON object's string values with `suffix` added; any other body as it is."""
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if isinstance(document, dict):
        changed = {key: with_suffix(v, suffix) if isinstance(v, str) else v for key, v in document.items()}
        return json.dumps(changed).encode()
    return body


def own_text(name: str, value: str | bytes) -> bool:
    """Whether a header carries the request's own text: str (bytes are sent exactly), not KEPT_HEADERS."""
    return isinstance(value, str) and name.lower() not in KEPT_HEADERS


def distinct(request: HttpRequest, number: int) -> HttpRequest:
    """`request` with `-number` after each text of its own: header values, query values, JSON strings."""
    suffix = f"-{number}"
    headers = {
        name: with_suffix(value, suffix)
        if isinstance(value, str) and name.lower() not in KEPT_HEADERS
        else value
        for name, value in request.headers.items()
    }
    path, _, query = request.target.partition("?")
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    target = (
        f"{path}?{urllib.parse.urlencode([(k, with_suffix(v, suffix)) for k, v in pairs])}" if query else path
    )
    return replace(request, target=target, headers=headers, body=distinct_body(request.body, suffix))


def shown_requests(app: SnippetApp) -> list[tuple[str, HttpRequest]]:
    """The requests the topic's pages show this app answering: its exchanges, then its table rows."""
    requests = [
        (exchange.case, read_request(exchange.request_path))
        for exchange in shown_exchanges(app.topic)
        if exchange.app == app and exchange.response_path.exists()
    ]
    if app.topic in topics_with_tables():
        requests += [(row.case, row) for row in request_rows(app.topic) if app.name in row.statuses]
    return requests


def key(request: HttpRequest) -> tuple:
    """What makes two requests the same request."""
    return (request.method, request.target, tuple(request.headers.items()), request.body)


def burst(shown: list[tuple[str, HttpRequest]], slow: set[str] = frozenset()) -> list[Sent]:
    """At least AT_ONCE requests: each shown one, then numbered distinct copies of the quick ones.

    `slow` names the cases not worth copying (a login's deliberate hashing, a simulated wait);
    when every case is slow, they are copied all the same.
    """
    quick = [(case, request) for case, request in shown if case not in slow] or shown
    copies = math.ceil(max(AT_ONCE - len(shown), 0) / len(quick)) if quick else 0
    return [Sent(f"{case} #0", request) for case, request in shown] + [
        Sent(f"{case} #{number}", distinct(request, number))
        for number in range(1, copies + 1)
        for case, request in quick
    ]


def answer(request: HttpRequest, client: httpx2.Client) -> str:
    return render_response(request.send(client))


def lone_client(base_url: str) -> httpx2.Client:
    """A new connection for each request: a server may close one after a 500, and a kept one would fail."""
    return socket_client(base_url, limits=httpx2.Limits(max_keepalive_connections=0))


def slow_cases(shown: list[tuple[str, HttpRequest]], base_url: str) -> set[str]:
    """The cases whose request, sent alone, takes over SLOW_SECONDS."""
    slow = set()
    with lone_client(base_url) as client:
        for case, request in shown:
            started = time.monotonic()
            request.send(client)
            if time.monotonic() - started > SLOW_SECONDS:
                slow.add(case)
    return slow


def alone(sends: list[Sent], base_url: str) -> list[Sent]:
    """Each request's answer sent alone, twice over; None where the two differ. A copy that is the
    same request as another (nothing of its own to number) is sent once."""
    unique = list({key(sent.request): sent.request for sent in sends}.values())
    with lone_client(base_url) as client:
        first = {key(request): answer(request, client) for request in unique}
        second = {key(request): answer(request, client) for request in unique}
    steady = {each: text if text == second[each] else None for each, text in first.items()}
    return [replace(sent, alone=steady[key(sent.request)]) for sent in sends]


def at_once(sends: list[Sent], base_url: str) -> list[str]:
    """Every request sent at the same moment, each on its own connection; the answers in order."""
    start = threading.Barrier(len(sends))
    limits = httpx2.Limits(max_connections=len(sends), max_keepalive_connections=0)
    with socket_client(base_url, timeout=30, limits=limits) as client:

        def send(sent: Sent) -> str:
            start.wait()
            return answer(sent.request, client)

        with ThreadPoolExecutor(max_workers=len(sends)) as pool:
            return list(pool.map(send, sends))


def crossed(sends: list[Sent], answers: list[str]) -> list[tuple[Sent, str]]:
    """Each request whose answer at once differs from its answer alone, with that answer."""
    return [
        (sent, got)
        for sent, got in zip(sends, answers, strict=True)
        if sent.alone is not None and got != sent.alone
    ]


def still_the_same_alone(found: list[tuple[Sent, str]], base_url: str) -> list[tuple[Sent, str]]:
    """Those of `found` whose request, sent alone a second later, still gets its answer alone.

    Two lone sends within one second agree on a time in the answer (a signed cookie's timestamp, a
    token's expiry) that the burst, later, does not; such an answer was never the same twice.
    """
    if not found:
        return []
    time.sleep(TIME_RESOLUTION)
    with lone_client(base_url) as client:
        return [(sent, got) for sent, got in found if answer(sent.request, client) == sent.alone]


def crossed_in_bursts(
    shown: list[tuple[str, HttpRequest]], base_url: str, rounds: int
) -> tuple[int, list[str]]:
    """Send the burst alone, then `rounds` times at once: how many answers were compared, and each
    crossed one, described."""
    sends = alone(burst(shown, slow_cases(shown, base_url)), base_url)
    found = [pair for _ in range(rounds) for pair in crossed(sends, at_once(sends, base_url))]
    described = [
        f"{sent.label}: {sent.request.method} {sent.request.target}\n  alone:\n{indent(sent.alone or '')}\n"
        f"  at once:\n{indent(got)}"
        for sent, got in still_the_same_alone(found, base_url)
    ]
    return sum(sent.alone is not None for sent in sends) * rounds, described


def indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())
