"""What the throwaway services the tests start (harness/postgres.py, harness/redis.py) share.

A free port on 127.0.0.1, and the reader's command: start the service, print
the `export` line its examples read, and stop and delete it on Ctrl-C or
SIGTERM. Standard library only, like the modules that use it.
"""

import argparse
import contextlib
import signal
import socket
import sys
import threading
from collections.abc import Callable
from typing import Any

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on at this moment, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def serve_for_the_reader(
    argv: list[str],
    *,
    name: str,
    default_port: int,
    installed: Callable[[], bool],
    install_hint: str,
    running: Callable[[int], contextlib.AbstractContextManager[Any]],
    variable: str,
) -> int:
    """`python -m scripts.NAME [--port N]`: the service until Ctrl-C, then stopped and deleted.

    `running(port)` is the service's context manager; what it yields has
    `url()` (the value of `variable`) and `folder`.
    """
    parser = argparse.ArgumentParser(
        description=f"Start a throwaway {name} on {HOST} for the examples; Ctrl-C stops and deletes it."
    )
    parser.add_argument(
        "--port", type=int, default=default_port, help=f"the port to listen on (default {default_port})"
    )
    options = parser.parse_args(argv)
    if not 0 < options.port < 65536:
        parser.error(f"--port {options.port}: a port is 1 to 65535")
    if not installed():
        print(f"{name} is missing: {install_hint}", file=sys.stderr)
        return 1
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        with running(options.port) as service:
            print(f"export {variable}={service.url()}", flush=True)
            print(f"{name} is running in {service.folder}; Ctrl-C stops it and deletes it.", flush=True)
            stopping.wait()
    except KeyboardInterrupt:
        pass
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    return 0
