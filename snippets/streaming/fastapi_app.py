"""Server-sent events on FastAPI: an `async def` generator, sent by FastAPI's own EventSourceResponse.

`count` is validated before the stream starts, so a bad value is a 422, never
a broken stream. `/streams` says how many streams are open and how many events
were produced: the figures to watch, or export as metrics, when clients come
and go.
"""

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import FastAPI, Query
from fastapi.sse import EventSourceResponse, ServerSentEvent

# --8<-- [start:events]
# The wait for the next event stands in for real I/O (a queue, a database): 1 s, or SIMULATED_IO_SECONDS.
INTERVAL_SECONDS = float(os.environ.get("SIMULATED_IO_SECONDS", "1"))
MAX_EVENTS = 60

app = FastAPI()
streams = {"open": 0, "produced": 0}  # one event loop changes it: no lock needed


@app.get("/events", response_class=EventSourceResponse)
async def events(count: Annotated[int, Query(ge=1, le=MAX_EVENTS)]) -> AsyncIterator[ServerSentEvent]:
    streams["open"] += 1
    try:
        for number in range(1, count + 1):
            await asyncio.sleep(INTERVAL_SECONDS)  # (1)!
            streams["produced"] += 1
            yield ServerSentEvent(data={"number": number}, id=str(number))
    finally:  # the last event was sent, or the client left and the generator was cancelled
        streams["open"] -= 1


# --8<-- [end:events]


@app.get("/streams")
async def stream_counts() -> dict[str, int]:
    return streams
