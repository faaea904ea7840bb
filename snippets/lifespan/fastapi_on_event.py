"""The same pool the deprecated way: `on_event("startup")` and `on_event("shutdown")` handlers.

FastAPI still runs these handlers, but each `on_event` call warns with a
DeprecationWarning, and the two handlers can only share the pool through
something global, here `app.state`. They run only in an app without a
lifespan: given both, FastAPI runs the lifespan alone.
"""

from fastapi import FastAPI, Request

from .pool import Pool

app = FastAPI()


@app.on_event("startup")
def open_pool() -> None:
    app.state.pool = Pool()


@app.on_event("shutdown")
def close_pool() -> None:
    app.state.pool.close()


@app.get("/status")
async def status(request: Request):
    return {"pool": request.app.state.pool.ping()}
