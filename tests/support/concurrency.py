"""Send N identical requests at the same moment over real sockets and time them all."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2

from .clients import socket_client


def time_concurrent_gets(base_url: str, path: str, count: int, timeout: float = 30.0) -> float:
    """Seconds from the moment all `count` GETs are released to the last response; all must be 200."""
    start = threading.Barrier(count + 1)
    limits = httpx2.Limits(max_connections=count, max_keepalive_connections=0)
    with socket_client(base_url, timeout=timeout, limits=limits) as client:

        def get() -> int:
            start.wait()
            return client.get(path).status_code

        with ThreadPoolExecutor(max_workers=count) as pool:
            futures = [pool.submit(get) for _ in range(count)]
            start.wait()
            started = time.monotonic()
            statuses = [future.result() for future in futures]
            elapsed = time.monotonic() - started
    assert statuses == [200] * count, statuses
    return elapsed
