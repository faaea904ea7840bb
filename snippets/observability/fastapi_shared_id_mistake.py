"""The mistake: the request ID kept in a module variable, which every request being served shares.

Sent one at a time, requests log the right ID. Served at once, a request that
waits (here on asyncio.sleep) logs whatever ID the last request to arrive wrote.
"""

import asyncio
import logging
import uuid

from fastapi import FastAPI, Request

from snippets.middleware.fastapi_app import VALID_REQUEST_ID
from snippets.observability.json_logs import JsonFormatter

current_request_id: str | None = None  # one variable for the whole process


class SharedIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id
        return True


handler = logging.StreamHandler()
handler.addFilter(SharedIdFilter())
handler.setFormatter(JsonFormatter())
log = logging.getLogger(__name__)
log.addHandler(handler)
log.setLevel(logging.INFO)
log.propagate = False
app = FastAPI()


@app.middleware("http")
async def remember_request_id(request: Request, call_next):
    global current_request_id
    sent = request.headers.get("X-Request-ID", "")
    current_request_id = sent if VALID_REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
    return await call_next(request)


@app.get("/orders/{order_id}")
async def read_order(order_id: int):
    log.info("order %d: looking up", order_id)
    await asyncio.sleep(0.01)  # another request's middleware runs here
    log.info("order %d: found", order_id)
    return {"order_id": order_id, "status": "shipped"}
