"""Serve a built site on 127.0.0.1 as GitHub Pages does: text gzip-compressed when the browser accepts it.

That is the one way Pages changes what a reader downloads, so the browser
tests and Lighthouse, which load the site from this server, measure the weight
and speed a reader gets. Standard library only (http.server), one job:

    python -m harness.preview 8000 --directory site/

harness/site_build.py starts it on a free port (`HostedFiles`) and builds the
site for that address.
"""

import argparse
import functools
import gzip
import io
import os
import sys
import threading
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from harness.servers import HOST

# GitHub Pages compresses responses on the fly with gzip, and only gzip: not
# Brotli, even precompressed (https://github.com/orgs/community/discussions/21655).
# It takes each file's type from mime-db
# (https://github.com/orgs/community/discussions/22863) and does not list which
# types it compresses: text is, formats compressed already (PNG, JPEG, woff2,
# .gz) are not. So this list follows mime-db's `compressible` flag, for the
# types a static site holds.
COMPRESSIBLE_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "application/xml",
    "application/xhtml+xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
    "image/x-icon",
    "image/vnd.microsoft.icon",
    "font/ttf",
    "font/otf",
    "application/vnd.ms-fontobject",
)
GZIP_LEVEL = 6  # zlib's default, as a CDN compressing on the fly would use
GZIP_CACHE_BYTES = 32 * 1024 * 1024  # compressed bodies kept; the least recently used go first
MAX_CONNECTIONS = 32  # handled at once; the next waits in the listen queue
CONNECTION_TIMEOUT = 30  # seconds a connection may sit idle before it is dropped


def compressible(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower().startswith(COMPRESSIBLE_TYPES)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether a request's Accept-Encoding allows gzip (RFC 9110 12.5.3): `gzip;q=0` refuses it."""
    weights = {}
    for item in (accept_encoding or "").split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding:
            weights[coding.lower()] = weight
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


class GzipCache:
    """Compressed file bodies by path, size and modification time; thread-safe, bounded in bytes."""

    def __init__(self, limit: int = GZIP_CACHE_BYTES):
        self.limit = limit
        self._bodies: OrderedDict[tuple, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def body(self, path: str, stat: os.stat_result) -> bytes:
        key = (path, stat.st_size, stat.st_mtime_ns)
        with self._lock:
            if key in self._bodies:
                self._bodies.move_to_end(key)
                return self._bodies[key]
        # Compressed outside the lock: two threads may both compress one file, harmlessly.
        with open(path, "rb") as file:
            body = gzip.compress(file.read(), compresslevel=GZIP_LEVEL, mtime=0)
        with self._lock:
            if key not in self._bodies and len(body) <= self.limit:
                self._bodies[key] = body
                self._size += len(body)
                while self._size > self.limit:
                    self._size -= len(self._bodies.popitem(last=False)[1])
        return body


class HostedFilesHandler(SimpleHTTPRequestHandler):
    """Python's file handler, plus gzip for text types when the request accepts it, as Pages does.

    A compressible type is sent with `Vary: Accept-Encoding` either way. The
    compressed variant is always sent whole (no 304), which a server may do.
    """

    # mime-db's type for an extension Python's table lacks: source maps are JSON.
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".map": "application/json",
    }
    timeout = CONNECTION_TIMEOUT
    gzip_cache = GzipCache()
    varies = False

    def served_file(self) -> str | None:
        """The file a GET of this path answers with, or None (redirect, listing, missing)."""
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not urllib.parse.urlsplit(self.path).path.endswith("/"):
                return None
            path = os.path.join(path, "index.html")
        return path if os.path.isfile(path) else None

    def send_head(self):
        path = self.served_file()
        content_type = self.guess_type(path) if path else ""
        self.varies = path is not None and compressible(content_type)
        if not (self.varies and accepts_gzip(self.headers.get("Accept-Encoding"))):
            return super().send_head()
        try:
            stat = os.stat(path)
            body = self.gzip_cache.body(path, stat)
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        if self.varies:
            self.send_header("Vary", "Accept-Encoding")
        super().end_headers()


class HostedFilesServer(ThreadingHTTPServer):
    """A thread per connection, at most MAX_CONNECTIONS at once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request, client_address):
        self._slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def serve(directory: Path, port: int) -> None:
    """Serve `directory` on HOST:`port` until the process is stopped."""
    handler = functools.partial(HostedFilesHandler, directory=str(directory))
    with HostedFilesServer((HOST, port), handler) as server:
        server.serve_forever()


@dataclass(frozen=True)
class HostedFiles:
    """This server over one folder, as harness/servers.py starts a server: `command(port)`."""

    directory: Path

    def command(self, port: int) -> list[str]:
        return [sys.executable, "-m", "harness.preview", str(port), "--directory", str(self.directory)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=f"Serve a folder on {HOST} as GitHub Pages would: text gzip-compressed "
        "when the browser accepts it, everything else as it is."
    )
    parser.add_argument("port", type=int, help="the port to listen on")
    parser.add_argument("--directory", type=Path, default=Path.cwd(), help="the folder to serve (default: .)")
    args = parser.parse_args(argv)
    serve(args.directory, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
