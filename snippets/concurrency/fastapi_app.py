"""Three ways to wait in a FastAPI endpoint, and what each does to the other requests."""

import asyncio
import os
import time

from fastapi import FastAPI

# The article waits 2 s; SIMULATED_IO_SECONDS sets another wait, as in the I/O-wait example.
IO_SECONDS = float(os.environ.get("SIMULATED_IO_SECONDS", "2"))

app = FastAPI()


@app.get("/async-wait")
async def async_wait():
    await asyncio.sleep(IO_SECONDS)  # the event loop serves others meanwhile
    return {"waited": "asyncio.sleep in async def"}


@app.get("/thread-wait")
def thread_wait():
    time.sleep(IO_SECONDS)  # runs in the thread pool: 40 threads by default
    return {"waited": "time.sleep in def"}


@app.get("/blocking-wait")
async def blocking_wait():
    time.sleep(IO_SECONDS)  # anti-pattern: blocks the event loop for every request
    return {"waited": "time.sleep in async def"}
