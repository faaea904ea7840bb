"""Hold N requests open against a server at once, and say when each one was answered.

    python -m harness.benchmark.hold_client URL CONNECTIONS WAIT

Opens CONNECTIONS connections to URL (on 127.0.0.1 only), sends one GET on
each, and reads each answer until its first server-sent event ("data:"),
which the server sends WAIT seconds after it takes the request. Once every
request is out, or half a wait after the start if some connections are still
not accepted (a full listen backlog), it prints "sent" and the seconds that
took: the caller reads the server then. It stops one and a half waits (plus
two seconds) after the start and prints one line of JSON: how many requests
went out in time, why connections failed, how many got no event, and for
each request answered, the seconds from the start to its event. Connections
open a few hundred at a time, so that a refused one measures the server's
backlog, not this client.
"""

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit

from harness.servers import HOST

OPENING_AT_ONCE = 500


async def hold(url: str, connections: int, wait: float) -> dict:
    parts = urlsplit(url)
    if parts.hostname != HOST or parts.port is None:
        raise ValueError(f"only {HOST} with a port, not {url!r}")
    request = f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()
    start = time.monotonic()
    opening = asyncio.Semaphore(OPENING_AT_ONCE)
    sent = 0
    all_sent = asyncio.Event()

    async def one() -> float | str:
        nonlocal sent
        try:
            async with opening:
                reader, writer = await asyncio.open_connection(HOST, parts.port)
                writer.write(request)
                await writer.drain()
        except OSError as error:
            return f"connect: {type(error).__name__}"
        sent += 1
        if sent == connections:
            all_sent.set()
        try:
            while line := await reader.readline():
                if line.startswith(b"data:"):
                    return time.monotonic() - start
            return "closed before an event"
        except OSError as error:
            return f"read: {type(error).__name__}"
        finally:
            writer.close()

    tasks = [asyncio.ensure_future(one()) for _ in range(connections)]
    waiting_for_all = asyncio.ensure_future(all_sent.wait())
    await asyncio.wait([waiting_for_all, *tasks], timeout=wait / 2, return_when=asyncio.FIRST_COMPLETED)
    if not all_sent.is_set():  # done early only if every connection failed; else half a wait passed
        await asyncio.wait([waiting_for_all], timeout=max(0.0, wait / 2 - (time.monotonic() - start)))
    sent_after, sent_in_time = time.monotonic() - start, sent
    waiting_for_all.cancel()
    print(f"sent {sent_after:.3f}", flush=True)
    done, pending = await asyncio.wait(tasks, timeout=max(0.0, wait * 1.5 + 2 - (time.monotonic() - start)))
    for task in pending:
        task.cancel()
    outcomes = [task.result() for task in done]
    failures: dict[str, int] = {}
    for outcome in outcomes:
        if isinstance(outcome, str):
            failures[outcome] = failures.get(outcome, 0) + 1
    return {
        "connections": connections,
        "sent_in_time": sent_in_time,
        "sent_after_seconds": round(sent_after, 3),
        "answered_after_seconds": sorted(round(o, 3) for o in outcomes if isinstance(o, float)),
        "unanswered": len(pending),
        "failures": failures,
    }


def main(argv: list[str]) -> int:
    try:
        url, connections, wait = argv[0], int(argv[1]), float(argv[2])
    except (IndexError, ValueError):
        connections = wait = 0
    if len(argv) != 3 or not 1 <= connections <= 20_000 or not 0 < wait <= 120:
        print("usage: " + __doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        print("error: CONNECTIONS must be 1 to 20000 and WAIT 0 to 120 seconds", file=sys.stderr)
        return 2
    try:
        result = asyncio.run(hold(url, connections, wait))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
