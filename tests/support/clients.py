"""One client interface (an httpx2.Client) for every framework, in process or over a socket.

In process, FastAPI's and Quart's apps get an ASGI transport that builds the
scope the way uvicorn does, and Flask's a WSGI transport that builds the
environ the way gunicorn does: header bytes reach the app as sent and come
back as the app sent them, so what passes in process passes under the real
server. Both report an unhandled error as a 500 response, as a real server
would, instead of raising it into the test; neither follows redirects, so a
test sees the redirect itself. Every answer of an app with an API document is
checked against it (support/api_documents.py). A FastAPI app given a lifespan
has it run around each request, since what it sets up (the lifespan page's
pool) is what its endpoints use.
"""

import asyncio
import contextlib
import functools
import io
import ssl
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, unquote_to_bytes

import httpx2
from fastapi import FastAPI

from harness.apps import SnippetApp
from harness.servers import Server, running_servers

from .api_documents import declared_status_hook


class WSGIServerTransport(httpx2.BaseTransport):
    """Calls a WSGI app with the environ a real server (gunicorn, Werkzeug's) builds, per PEP 3333.

    httpx2's own WSGITransport passes the percent-decoded path as text and
    decodes header values as ASCII, so a path with `%FF` or a non-ASCII
    character, or a header with a byte over 0x7F, fails in the client instead
    of reaching the app. Servers pass the path's bytes and every header as
    Latin-1 text; so does this transport.
    """

    def __init__(self, app):
        self.app = app

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        raw_path, _, query = request.url.raw_path.partition(b"?")
        environ = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": request.url.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(raw_path).decode("latin-1"),
            "QUERY_STRING": query.decode("latin-1"),
            "SERVER_NAME": request.url.host,
            "SERVER_PORT": str(request.url.port or 80),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
        }
        for name, value in request.headers.raw:
            key = name.decode("latin-1").upper().replace("-", "_")
            environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value.decode(
                "latin-1"
            )
        if body:
            environ.setdefault("CONTENT_LENGTH", str(len(body)))
        started = {}

        def start_response(status, headers, exc_info=None):
            started.update(status=status, headers=headers)
            return lambda data: None

        result = self.app(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in started["headers"]]
        status = int(started["status"].split(" ", 1)[0])
        return httpx2.Response(status, headers=headers, stream=httpx2.ByteStream(content))


class ASGIServerTransport(httpx2.BaseTransport):
    """Calls an ASGI app with the scope a real server (uvicorn) builds, and returns its answer byte for byte.

    Starlette's TestClient re-encodes each header value as UTF-8 on the way in
    and decodes the answer's as UTF-8 on the way out, so a header byte over
    0x7F reaches the app as two bytes (b"\\xe9" as b"\\xc3\\xa9") and a Latin-1
    byte in an answer fails in the client. uvicorn passes the bytes as sent;
    so does this transport. Each request runs in an event loop of its own, as
    TestClient's do outside `with client:`, with the app's lifespan around it
    when `lifespan` is set (what it sets up is what the endpoints use). An
    error the app raises before answering is a 500, as a server sends.
    """

    def __init__(self, app, lifespan: bool = False):
        self.app = app
        self.lifespan = lifespan

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        raw_path, _, query = request.url.raw_path.partition(b"?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": request.url.scheme,
            "path": unquote(raw_path.decode("ascii")),
            "raw_path": raw_path,
            "root_path": "",
            "query_string": query,
            "headers": [(name.lower(), value) for name, value in request.headers.raw],
            "client": ("127.0.0.1", 50000),
            "server": (request.url.host, request.url.port or 80),
            "extensions": {},
        }
        status, headers, body = asyncio.run(self._call(scope, request.read()))
        return httpx2.Response(status, headers=headers, stream=httpx2.ByteStream(body))

    async def _call(self, scope: dict, body: bytes) -> tuple[int, list, bytes]:
        state: dict = {}
        if not self.lifespan:
            return await self._request({**scope, "state": state}, body)
        async with lifespan_of(self.app, state):
            return await self._request({**scope, "state": dict(state)}, body)

    async def _request(self, scope: dict, body: bytes) -> tuple[int, list, bytes]:
        answered = asyncio.Event()
        sent_body = False
        start: dict = {}
        chunks: list[bytes] = []

        async def receive() -> dict:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            await answered.wait()  # the client stays until the whole answer is in
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    answered.set()

        try:
            await self.app(scope, receive, send)
        except Exception:
            if not start:
                return 500, [], b"Internal Server Error"
        finally:
            answered.set()
        return start["status"], list(start.get("headers", [])), b"".join(chunks)


@contextlib.asynccontextmanager
async def lifespan_of(app, state: dict):
    """Run an ASGI app's lifespan (start-up, then shut-down on leaving), sharing `state` with requests."""
    inbox: asyncio.Queue = asyncio.Queue()
    outbox: asyncio.Queue = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": state}
    task = asyncio.create_task(app(scope, inbox.get, outbox.put))
    await inbox.put({"type": "lifespan.startup"})
    started = await outbox.get()
    if started["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"lifespan start-up failed: {started.get('message', '')}")
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await task


# What FastAPI runs at start-up and shut-down when it is given no lifespan (on_event handlers).
DEFAULT_LIFESPAN = type(FastAPI().router.lifespan_context)


def in_process_client(app: SnippetApp) -> httpx2.Client:
    """A client that calls the app directly, without a server."""
    hooks = {"response": [declared_status_hook(str(app), app.app)]}
    if app.framework == "flask":
        transport: httpx2.BaseTransport = WSGIServerTransport(app.app)
    else:  # FastAPI and Quart are ASGI apps
        transport = ASGIServerTransport(app.app, lifespan=has_own_lifespan(app.app))
    return httpx2.Client(transport=transport, base_url="http://testserver", event_hooks=hooks)


def has_own_lifespan(application) -> bool:
    """A FastAPI app given a lifespan: what it sets up (the lifespan page's pool) its endpoints use."""
    return isinstance(application, FastAPI) and not isinstance(
        application.router.lifespan_context, DEFAULT_LIFESPAN
    )


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every socket client: each new one costs ~40 ms (loading CA certificates),
    and the servers here speak plain HTTP on 127.0.0.1 anyway."""
    return ssl.create_default_context()


def socket_client(base_url: str, **options) -> httpx2.Client:
    """A client for a running server, with a bounded timeout."""
    return httpx2.Client(
        base_url=base_url, timeout=options.pop("timeout", 10), verify=tls_context(), **options
    )


@contextlib.contextmanager
def serving_on(app: SnippetApp, database_url: str) -> Iterator[httpx2.Client]:
    """A socket client for the app under its production server, reading DATABASE_URL, for the block."""
    server = Server(app)
    with (
        running_servers([server], env={"DATABASE_URL": database_url}) as running,
        socket_client(running[server].base_url) as client,
    ):
        yield client


@dataclass(frozen=True)
class HttpRequest:
    """A request to send to an app: a shown exchange's, a table row's or a generated one, sent one way.

    `client` is any of the clients above, in process or over a socket.
    """

    method: str
    target: str  # the path and query string
    headers: dict[str, str] | dict[str, bytes]
    body: bytes

    def send(self, client: httpx2.Client) -> httpx2.Response:
        return client.request(self.method, self.target, headers=self.headers, content=self.body)
