"""The article's I/O-wait example on FastAPI: an async endpoint awaiting simulated I/O.

While one request awaits, the event loop serves others on the same worker.
"""

import asyncio
import os

from fastapi import FastAPI

# The article waits 2 s; SIMULATED_IO_SECONDS sets another wait (the benchmark runs 50 ms).
IO_SECONDS = float(os.environ.get("SIMULATED_IO_SECONDS", "2"))

app = FastAPI()


@app.get("/async")
async def async_endpoint():
    await asyncio.sleep(IO_SECONDS)  # Simulating async I/O operation
    return {"message": "Async Response"}
