"""The thread pool behind `def` endpoints is shared: a `def` dependency waits for it too.

While `def` endpoints hold every thread, an `async def` endpoint with a `def`
dependency waits for a free one; one without waits for nothing.
"""

import os
import time
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import Depends, FastAPI

# The article waits 2 s; SIMULATED_IO_SECONDS sets another wait, as in the I/O-wait example.
IO_SECONDS = float(os.environ.get("SIMULATED_IO_SECONDS", "2"))
THREAD_POOL_SIZE = int(os.environ.get("THREAD_POOL_SIZE", "40"))  # 40 is AnyIO's default


@asynccontextmanager
async def lifespan(app: FastAPI):
    anyio.to_thread.current_default_thread_limiter().total_tokens = THREAD_POOL_SIZE  # (1)!
    yield


app = FastAPI(lifespan=lifespan)


def current_user() -> str:
    return "alice"  # a `def` dependency: FastAPI calls it in the thread pool


@app.get("/thread-wait")
def thread_wait():
    time.sleep(IO_SECONDS)  # holds one of the pool's threads for the whole wait
    return {"waited": "time.sleep in def"}


@app.get("/with-sync-dependency")
async def with_sync_dependency(user: str = Depends(current_user)):
    return {"user": user}  # runs on the event loop, but only once current_user has had a thread


@app.get("/without-dependency")
async def without_dependency():
    return {"user": None}  # needs no thread at all
