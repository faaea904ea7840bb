"""FastAPI's lifespan: one pool per process, opened before the first request and closed after the last.

The code before `yield` runs when the server starts the app, the code after
it when the server shuts down (uvicorn does on SIGTERM): once in each worker
process.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

from .pool import Pool


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Pool]]:
    pool = Pool()
    yield {"pool": pool}  # (1)!
    pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/status")
async def status(request: Request):
    return {"pool": request.state.pool.ping()}
