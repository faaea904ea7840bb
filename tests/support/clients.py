"""One client interface (an httpx2.Client) for either framework, in process or over a socket.

FastAPI's TestClient is an httpx2 client over ASGI; Flask gets httpx2's WSGI
transport. Both report an unhandled error as a 500 response, as a real server
would, instead of raising it into the test; and neither follows redirects,
so a test sees the redirect itself.
"""

import functools
import ssl

import httpx2
from fastapi.testclient import TestClient

from .apps import SnippetApp


def in_process_client(app: SnippetApp) -> httpx2.Client:
    """A client that calls the app directly, without a server."""
    if app.framework == "fastapi":
        return TestClient(app.app, raise_server_exceptions=False, follow_redirects=False)
    transport = httpx2.WSGITransport(app=app.app)
    return httpx2.Client(transport=transport, base_url="http://testserver")


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
