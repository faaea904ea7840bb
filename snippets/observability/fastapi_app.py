"""Logs, traces and metrics for a FastAPI app: JSON log lines that carry the request ID,
OpenTelemetry spans for every request, and Prometheus counters scraped from /metrics."""

import asyncio
import logging

from fastapi import FastAPI, Request
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from prometheus_fastapi_instrumentator import Instrumentator

from snippets.middleware.fastapi_app import request_id_of
from snippets.observability.json_logs import install_json_logs, request_id

# --8<-- [start:logs]
install_json_logs()
log = logging.getLogger(__name__)
app = FastAPI()


@app.middleware("http")
async def bind_request_id(request: Request, call_next):
    bound = request_id_of(request)  # the middleware topic's choice: the client's ID, or a new one
    token = request_id.set(bound)
    try:
        response = await call_next(request)
    except Exception:
        log.exception("unhandled exception")  # (1)!
        raise
    finally:
        request_id.reset(token)
    response.headers["X-Request-ID"] = bound
    return response


@app.get("/orders/{order_id}")
async def read_order(order_id: int):
    log.info("order %d: looking up", order_id)
    await asyncio.sleep(0.01)  # a database query would wait here
    log.info("order %d: found", order_id)
    return {"order_id": order_id, "status": "shipped"}


@app.get("/crash")
def crash():
    raise RuntimeError("a bug no handler expects")


# --8<-- [end:logs]
# --8<-- [start:traces]
tracer_provider = TracerProvider()
FastAPIInstrumentor.instrument_app(app, tracer_provider=tracer_provider)
# --8<-- [end:traces]
# --8<-- [start:metrics]
Instrumentator().instrument(app).expose(app, include_in_schema=False)
# --8<-- [end:metrics]
