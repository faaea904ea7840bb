"""Middleware in FastAPI: a function around every request, here giving each one an X-Request-ID."""

import re
import uuid

from fastapi import FastAPI, Request

app = FastAPI()

VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


def request_id_of(request: Request) -> str:
    sent = request.headers.get("X-Request-ID", "")
    return sent if VALID_REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex  # (1)!


@app.middleware("http")
async def add_request_id(request: Request, call_next):
    request_id = request_id_of(request)
    response = await call_next(request)
    response.headers["X-Request-ID"] = request_id
    return response


@app.get("/")
def home():
    return {"message": "Hello"}
