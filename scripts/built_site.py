"""Build the site (MkDocs, or Zensical), serve the build on 127.0.0.1, and name its pages.

The one place that runs a site build, for the test suite and for
scripts/lighthouse.py. Material's instant navigation only takes over links
that the sitemap lists under `site_url`, so a site that a browser will load is
built for the very address it is served from: `served_site` starts the file
server first, on a free port, and builds for that address. Serving under a
subpath (`/fastapi-vs-flask/`) is how GitHub Pages serves a project site, so
the same build also shows whatever only a subpath breaks.

The file server answers as GitHub Pages does in the one way that changes what
a reader downloads: text is sent gzip-compressed to a browser that accepts it
(`HostedFiles`), so the browser tests and Lighthouse measure the weight and
speed a reader gets. Run as a program, this module is that server:

    python -m scripts.built_site 8000 --directory site/

Every build run in this process is counted in `BUILDS`, so the test run can
report how many it needed.
"""

import argparse
import contextlib
import functools
import gzip
import io
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from scripts.local_servers import HOST, running_servers
from scripts.paths import DOCS, ROOT

BUILD_TIMEOUT = 180
# mkdocs.yml's exclude_docs: tables included by pages, not pages themselves.
NOT_PAGES = ("data",)


@dataclass
class Build:
    """One finished build: how it went, how long it took, and where the pages are."""

    tool: str
    returncode: int
    output: str
    seconds: float
    site: Path
    address: str = ""  # where the build is served, if it is

    @property
    def succeeded(self) -> bool:
        return self.returncode == 0


BUILDS: list[Build] = []


class BuildFailed(RuntimeError):
    """A strict build failed; the message holds its output."""


def mkdocs_build_command(site_dir: Path) -> list[str]:
    """The strict build, as CI, the tests and the scripts run it (from the project's root)."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]


def zensical_build_command() -> list[str]:
    """Zensical's strict build; it has no --site-dir and writes to the project's site/."""
    return [sys.executable, "-m", "zensical", "build", "--strict"]


def run_build(tool: str, site_dir: Path, project: Path = ROOT, **environment: str) -> Build:
    """Build `project` (the repository or a copy) with "mkdocs" or "zensical"; never raises on failure."""
    command = mkdocs_build_command(site_dir) if tool == "mkdocs" else zensical_build_command()
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=project,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    build = Build(
        tool, result.returncode, result.stdout + result.stderr, time.perf_counter() - started, site_dir
    )
    BUILDS.append(build)
    return build


def builds_summary() -> str:
    """ "site builds: 2 (mkdocs 1, zensical 1)", for the closing report."""
    tools = sorted({build.tool for build in BUILDS})
    counts = ", ".join(f"{tool} {sum(build.tool == tool for build in BUILDS)}" for tool in tools)
    return f"site builds in this run: {len(BUILDS)}" + (f" ({counts})" if counts else "")


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
    """This module's file server over one folder: the files, compressed as GitHub Pages sends them."""

    directory: Path

    def command(self, port: int) -> list[str]:
        return [sys.executable, "-m", "scripts.built_site", str(port), "--directory", str(self.directory)]


@contextlib.contextmanager
def served_folder(root: Path, subpath: str = "") -> Iterator[str]:
    """Serve `root` on a free loopback port; yield the address of `root/subpath` ("http://.../sub/")."""
    server = HostedFiles(root)
    with running_servers([server]) as running:
        yield running[server].base_url + "/" + (subpath.strip("/") + "/" if subpath else "")


def build_for(site_dir: Path, address: str, **environment: str) -> Build:
    """The strict MkDocs build of the repository into `site_dir`, for the address it is served at."""
    build = run_build("mkdocs", site_dir, SITE_URL=address, **environment)
    build.address = address
    if not build.succeeded:
        raise BuildFailed(f"mkdocs build --strict failed:\n{build.output}")
    return build


@contextlib.contextmanager
def served_site(root: Path, subpath: str = "", **environment: str) -> Iterator[Build]:
    """Serve `root` on a free loopback port, build the site into `root/subpath` for that address.

    Yields the build (its `address` ends in "/"); raises BuildFailed if the
    strict build fails. The server is stopped however the block ends.
    """
    site_dir = root / subpath if subpath else root
    site_dir.mkdir(parents=True, exist_ok=True)
    with served_folder(root, subpath) as address:
        yield build_for(site_dir, address, **environment)


def site_pages() -> list[str]:
    """Every page of the site as a path below its address: "" for the home page, "topics/routing/", ...

    Read from docs/, so tests can be parametrised before anything is built;
    the site tests check that a build has exactly these pages.
    """
    paths = []
    for source in DOCS.rglob("*.md"):
        relative = source.relative_to(DOCS)
        if relative.parts[0] in NOT_PAGES:
            continue
        stem = relative.with_suffix("").as_posix()
        paths.append("" if stem == "index" else stem.removesuffix("/index") + "/")
    return sorted(paths)


def built_pages(site_dir: Path) -> list[str]:
    """The pages a build holds, named as site_pages() names them."""
    return sorted(
        "" if index.parent == site_dir else index.parent.relative_to(site_dir).as_posix() + "/"
        for index in site_dir.rglob("index.html")
    )


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
