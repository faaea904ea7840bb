"""Logs, traces and metrics for a Flask app: JSON log lines that carry the request ID,
OpenTelemetry spans for every request, and Prometheus counters scraped from /metrics."""

import time

from flask import Flask, g
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from prometheus_flask_exporter import PrometheusMetrics

from snippets.middleware.flask_app import add_request_id, read_request_id
from snippets.observability.json_logs import install_json_logs, request_id

# --8<-- [start:logs]
install_json_logs()
app = Flask(__name__)
app.before_request(read_request_id)
app.after_request(add_request_id)


@app.before_request
def bind_request_id():
    g.request_id_token = request_id.set(g.request_id)


@app.teardown_request
def unbind_request_id(exc):
    request_id.reset(g.request_id_token)


@app.get("/orders/<int:order_id>")
def read_order(order_id):
    app.logger.info("order %d: looking up", order_id)
    time.sleep(0.01)  # a database query would wait here
    app.logger.info("order %d: found", order_id)
    return {"order_id": order_id, "status": "shipped"}


@app.get("/crash")
def crash():
    raise RuntimeError("a bug no handler expects")


# --8<-- [end:logs]
# --8<-- [start:traces]
tracer_provider = TracerProvider()
FlaskInstrumentor().instrument_app(app, tracer_provider=tracer_provider)
# --8<-- [end:traces]
# --8<-- [start:metrics]
metrics = PrometheusMetrics(app, group_by="url_rule")
# --8<-- [end:metrics]
