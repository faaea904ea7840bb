"""One client interface (an httpx2.Client) for every framework, in process or over a socket.

FastAPI's TestClient is an httpx2 client over ASGI (Starlette's, which calls
any ASGI app, so Quart's apps get it too); Flask gets a WSGI
transport that builds the environ the way a real WSGI server does. Both
report an unhandled error as a 500 response, as a real server would, instead
of raising it into the test; and neither follows redirects, so a test sees
the redirect itself. Every answer of an app with an API
document is checked against it (support/api_documents.py). A FastAPI app
given a lifespan has it run around each request, since what it sets up (the
lifespan page's pool) is what its endpoints use.
"""

import functools
import io
import ssl
import sys
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

import httpx2
from fastapi import FastAPI
from fastapi.testclient import TestClient

from harness.apps import SnippetApp

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


# What FastAPI runs at start-up and shut-down when it is given no lifespan (on_event handlers).
DEFAULT_LIFESPAN = type(FastAPI().router.lifespan_context)


class LifespanPerRequest(TestClient):
    """A TestClient that runs the app's lifespan around each request sent outside `with client:`.

    Outside `with`, TestClient runs no lifespan at all; a server runs it once
    around all requests, which a client that is never closed cannot do, so
    this runs it around each one (about 3 ms), for the apps that have one.
    """

    def send(self, request: httpx2.Request, **options) -> httpx2.Response:
        if self.portal is not None:  # inside `with client:`, which already runs it
            return super().send(request, **options)
        with self:
            return super().send(request, **options)


def in_process_client(app: SnippetApp) -> httpx2.Client:
    """A client that calls the app directly, without a server."""
    hooks = {"response": [declared_status_hook(str(app), app.app)]}
    if app.framework == "fastapi":
        has_lifespan = not isinstance(app.app.router.lifespan_context, DEFAULT_LIFESPAN)
        client_class = LifespanPerRequest if has_lifespan else TestClient
        client = client_class(app.app, raise_server_exceptions=False, follow_redirects=False)
        client.event_hooks = hooks
        return client
    if app.framework == "quart":  # an ASGI app: Starlette's TestClient calls any of them
        client = TestClient(app.app, raise_server_exceptions=False, follow_redirects=False)
        client.event_hooks = hooks
        return client
    return httpx2.Client(
        transport=WSGIServerTransport(app.app), base_url="http://testserver", event_hooks=hooks
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
