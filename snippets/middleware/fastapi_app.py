"""Middleware in FastAPI: a function around every request, here giving each one an X-Request-ID."""

import re
import uuid

from fastapi import FastAPI, Request

app = FastAPI()

VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


@app.middleware("http")
async def add_request_id(request: Request, call_next):
    request_id = request.headers.get("X-Request-ID", "")
    if not VALID_REQUEST_ID.fullmatch(request_id):  # (1)!
        request_id = uuid.uuid4().hex
    response = await call_next(request)
    response.headers["X-Request-ID"] = request_id
    return response


@app.get("/")
def home():
    return {"message": "Hello"}
