"""The one resource both apps share: a stand-in for an HTTP client or a database connection pool.

A real pool is costly to open (connections, TLS handshakes) and safe to share,
so an app opens one per process, every request uses it, and it is closed when
the process stops. This one connects to nothing. When the variable POOL_LOG
names a file, it writes a line there when it opens and when it closes, with
its process id and, on closing, how many requests used it: a way to see, under
each server, which process opens a pool and whether it is closed at all.
"""

import os


class Pool:
    def __init__(self) -> None:
        self.uses = 0
        self._record(f"open pid={os.getpid()}")

    def ping(self) -> str:
        """What a health check asks of a real pool: a round trip over one of its connections."""
        self.uses += 1
        return "ok"

    def close(self) -> None:
        self._record(f"close pid={os.getpid()} uses={self.uses}")

    def _record(self, event: str) -> None:
        if log := os.environ.get("POOL_LOG"):
            with open(log, "a") as file:
                file.write(event + "\n")
