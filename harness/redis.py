"""Redis for the examples: a throwaway server on 127.0.0.1, never the system service.

The tests start one per test module, and a reader starts the same one to
try the examples: `python -m scripts.redis` prints the REDIS_URL to export,
and stops the server and deletes its folder on Ctrl-C.

Debian's `redis-server` package installs the program; it runs as root (CI
is root) without complaint. The server saves nothing to disk (`--save ''`,
no append-only file), listens on 127.0.0.1 only, keeps its pidfile, log and
working directory in a temporary folder, and holds nothing but example jobs.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.services import free_port, serve_for_the_reader

HOST = "127.0.0.1"
PROGRAM = "redis-server"
START_TIMEOUT = 30  # seconds until the server answers PING; it takes a few milliseconds on an idle machine
STOP_TIMEOUT = 10  # seconds after SIGTERM before SIGKILL
DEFAULT_PORT = 6379
INSTALL_HINT = "`sudo apt-get install redis-server` (the tests start their own server; none needs to run)"


def program() -> str | None:
    return shutil.which(PROGRAM)


def installed() -> bool:
    return program() is not None


@dataclass(frozen=True)
class Server:
    """A running server: its folder (pidfile, log, working directory) and port."""

    folder: Path
    port: int

    @property
    def pidfile(self) -> Path:
        return self.folder / "redis.pid"

    @property
    def log(self) -> Path:
        return self.folder / "redis.log"

    def url(self, database: int = 0) -> str:
        return f"redis://{HOST}:{self.port}/{database}"

    def pid(self) -> int | None:
        try:
            return int(self.pidfile.read_text().split()[0])
        except (FileNotFoundError, ValueError, IndexError):
            return None


def command(port: int, *words: str) -> str:
    """One command to the server on 127.0.0.1:`port` in Redis's inline protocol; its answer's first line."""
    with socket.create_connection((HOST, port), timeout=5) as connection:
        connection.sendall(" ".join(words).encode() + b"\r\n")
        return connection.makefile("rb").readline().decode().strip()


def ping(port: int) -> bool:
    """True when a Redis server on 127.0.0.1:`port` answers PING."""
    try:
        return command(port, "PING") == "+PONG"
    except OSError:
        return False


def start(folder: Path, port: int) -> Server:
    """Start a server in `folder` (which must not exist yet) on 127.0.0.1:`port`, answering PING on return."""
    folder.mkdir(parents=True)
    server = Server(folder, port)
    path = program()
    if path is None:
        raise FileNotFoundError(f"{PROGRAM} is not installed: {INSTALL_HINT}")
    command = [
        path,
        "--port", str(port),
        "--bind", HOST,
        "--save", "",
        "--appendonly", "no",
        "--dir", str(folder),
        "--daemonize", "yes",
        "--pidfile", str(server.pidfile),
        "--logfile", str(server.log),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT)
    if result.returncode != 0:
        raise RuntimeError(f"{PROGRAM} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    deadline = time.monotonic() + START_TIMEOUT
    while not (ping(port) and server.pid() is not None):
        if time.monotonic() > deadline:
            log = server.log.read_text() if server.log.exists() else ""
            stop(server)
            raise RuntimeError(f"{PROGRAM} did not answer on {HOST}:{port} in {START_TIMEOUT} s:\n{log}")
        time.sleep(0.02)
    return server


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(server: Server) -> None:
    """Stop the server (SIGTERM, then SIGKILL after STOP_TIMEOUT) and delete its folder."""
    pid = server.pid()
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    shutil.rmtree(server.folder, ignore_errors=True)


@contextlib.contextmanager
def running_redis(port: int | None = None) -> Iterator[Server]:
    """A server for the length of the block, stopped and deleted however the block ends."""
    parent = Path(tempfile.mkdtemp(prefix="redis-"))
    server = None
    try:
        server = start(parent / "server", port or free_port())
        yield server
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(parent, ignore_errors=True)


def main(argv: list[str]) -> int:
    return serve_for_the_reader(
        argv,
        name="Redis",
        default_port=DEFAULT_PORT,
        installed=installed,
        install_hint=INSTALL_HINT,
        running=running_redis,
        variable="REDIS_URL",
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
