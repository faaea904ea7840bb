"""The article's Hello World on FastAPI, declared `async def`: what FastAPI's docs advise for it.

FastAPI runs a plain `def` endpoint in its thread pool, a hand-off per
request; an `async def` one runs on the event loop itself. FastAPI's docs say
to use `async def` when the code waits on nothing, as here. The Benchmark
measures both.
"""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def home():
    return {"message": "Hello, FastAPI!"}
