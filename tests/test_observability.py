"""Observability: JSON log lines carrying the request ID, OpenTelemetry spans and Prometheus metrics,
for the FastAPI and the Flask app of snippets/observability/, in process and under each production server.

- Logs: every record written while a request is served carries that request's
  ID, the app's own two records and the record of an unhandled exception
  alike; a malformed ID is replaced by a new one in the records as in the
  header; no record outside a request carries one; under a burst of distinct
  concurrent requests no record carries another request's ID. The deliberate
  mistakes (fastapi_shared_id_mistake.py and flask_shared_id_mistake.py, a
  module variable) are shown mixing them up under the same burst.
- Traces: the SDK's InMemorySpanExporter receives one server span per request,
  named after the route, with the status code; the 500 has status ERROR and an
  exception event.
- Metrics: /metrics, parsed with prometheus_client's parser, counts a request
  with its route and status labels, and counts the 500.
"""

import ast
import io
import json
import os
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from flask import Flask
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from prometheus_flask_exporter import PrometheusMetrics

from harness.apps import get_app
from harness.project import ROOT, SNIPPETS
from harness.servers import GUNICORN_GTHREAD, Server, running_servers
from snippets.observability import fastapi_shared_id_mistake, flask_shared_id_mistake, json_logs
from support.clients import ASGIServerTransport, WSGIServerTransport, in_process_client, socket_client

APPS = [get_app("observability", "fastapi"), get_app("observability", "flask")]
NEW_ID = re.compile(r"[0-9a-f]{32}")
ORDER = re.compile(r"order (\d+): ")
BURST = 20  # distinct requests sent at the same moment


def parse_lines(text: str) -> list[dict]:
    """The JSON objects among `text`'s lines (a server also prints lines of its own)."""
    records = []
    for line in text.splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    return records


@pytest.fixture
def logged(monkeypatch):
    """What json_logs.HANDLER writes while the test runs, as a function returning the records so far;
    not the test client's own (httpx2 logs each request it sends, and the handler is on the root logger)."""
    stream = io.StringIO()
    monkeypatch.setattr(json_logs.HANDLER, "stream", stream)
    return lambda: [record for record in parse_lines(stream.getvalue()) if record["logger"] != "httpx2"]


def send_at_once(client_for, count: int = BURST) -> list[httpx2.Response]:
    """GET /orders/N with X-Request-ID order-N for N in range(count), all at the same moment."""
    start = threading.Barrier(count)

    def send(number: int) -> httpx2.Response:
        with client_for() as client:
            start.wait()
            return client.get(f"/orders/{number}", headers={"X-Request-ID": f"order-{number}"})

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(send, range(count)))


def crossed(records: list[dict]) -> list[dict]:
    """The records of an order whose request ID is not that order's request's."""
    return [
        record
        for record in records
        if (found := ORDER.match(record["message"])) and record["request_id"] != f"order-{found[1]}"
    ]


# Logs


@pytest.mark.parametrize("app", APPS, ids=str)
def test_the_shown_log_lines_are_what_the_app_writes(app, logged, update_shown):
    """All but the time, which changes on every run."""
    in_process_client(app).get("/orders/42", headers={"X-Request-ID": "order-42"})
    shown_file = SNIPPETS / "observability" / f"order.{app.name}.jsonl"
    if update_shown:
        shown_file.write_text("".join(json.dumps(record) + "\n" for record in logged()))
        return
    timeless = [{**record, "time": None} for record in logged()]
    assert timeless == [{**record, "time": None} for record in parse_lines(shown_file.read_text())]


@pytest.mark.parametrize("app", APPS, ids=str)
def test_every_record_of_a_request_carries_its_id(app, logged):
    answer = in_process_client(app).get("/orders/7", headers={"X-Request-ID": "order-7"})
    assert (answer.status_code, answer.headers["X-Request-ID"]) == (200, "order-7")
    records = logged()
    assert [record["message"] for record in records] == ["order 7: looking up", "order 7: found"]
    assert {record["request_id"] for record in records} == {"order-7"}
    assert {record["level"] for record in records} == {"INFO"}


@pytest.mark.parametrize("app", APPS, ids=str)
def test_the_record_of_an_unhandled_exception_carries_the_id(app, logged):
    answer = in_process_client(app).get("/crash", headers={"X-Request-ID": "crash-1"})
    assert answer.status_code == 500
    records = logged()
    assert records, "the 500 left no record"
    assert {record["request_id"] for record in records} == {"crash-1"}
    (error,) = [record for record in records if "exception" in record]
    assert error["level"] == "ERROR"
    assert error["exception"].endswith("RuntimeError: a bug no handler expects")


@pytest.mark.parametrize("sent", ["order 42", "a" * 65, None], ids=["a space", "too long", "none"])
@pytest.mark.parametrize("app", APPS, ids=str)
def test_a_malformed_or_missing_id_is_replaced_in_the_records_as_in_the_header(app, sent, logged):
    headers = {} if sent is None else {"X-Request-ID": sent}
    answer = in_process_client(app).get("/orders/7", headers=headers)
    new_id = answer.headers["X-Request-ID"]
    assert NEW_ID.fullmatch(new_id)
    assert {record["request_id"] for record in logged()} == {new_id}


@pytest.mark.parametrize("app", APPS, ids=str)
def test_a_record_outside_a_request_carries_no_id(app, logged):
    client = in_process_client(app)
    client.get("/orders/7", headers={"X-Request-ID": "order-7"})
    client.get("/crash", headers={"X-Request-ID": "crash-1"})
    logger = app.module.log if app.framework == "fastapi" else app.app.logger
    logger.info("between requests")
    last = logged()[-1]
    assert (last["message"], last["request_id"]) == ("between requests", None)


@pytest.mark.parametrize("app", APPS, ids=str)
def test_requests_served_at_once_never_log_each_others_id(app, logged):
    answers = send_at_once(lambda: in_process_client(app))
    assert [answer.headers["X-Request-ID"] for answer in answers] == [f"order-{n}" for n in range(BURST)]
    records = logged()
    assert len(records) == 2 * BURST
    assert crossed(records) == []


# Each framework's mistake module, and the transport that serves it as its server would: FastAPI's on
# one event loop, Flask's on as many threads as requests (send_at_once's threads call it directly).
MISTAKES = {
    "fastapi": (fastapi_shared_id_mistake, ASGIServerTransport),
    "flask": (flask_shared_id_mistake, WSGIServerTransport),
}


@pytest.mark.parametrize("framework", MISTAKES)
def test_the_mistake_mixes_up_request_ids_under_concurrency(framework, monkeypatch):
    """A module variable holds whichever ID came last: sent at once, the records cross."""
    module, transport_for = MISTAKES[framework]
    stream = io.StringIO()
    monkeypatch.setattr(module.handler, "stream", stream)
    transport = transport_for(module.app)
    alone = httpx2.Client(transport=transport, base_url="http://testserver")
    alone.get("/orders/7", headers={"X-Request-ID": "order-7"})
    alone.get("/orders/8", headers={"X-Request-ID": "not valid"})
    lone_records = parse_lines(stream.getvalue())
    assert crossed(lone_records) == [record for record in lone_records if "8" in record["message"]]
    assert NEW_ID.fullmatch(lone_records[-1]["request_id"])
    stream.seek(0)
    stream.truncate()
    send_at_once(lambda: httpx2.Client(transport=transport, base_url="http://testserver"))
    records = parse_lines(stream.getvalue())
    assert len(records) == 2 * BURST
    # Nearly every record written after the wait is another request's: some 20 of the 40.
    assert len(crossed(records)) > len(records) // 4, "the mistake was expected to mix up IDs"


# Traces


EXPORTERS: dict[str, InMemorySpanExporter] = {}


@pytest.fixture
def spans(request):
    """An InMemorySpanExporter on the app's tracer provider (added once: a provider keeps its processors)."""
    app = request.getfixturevalue("app")
    if str(app) not in EXPORTERS:
        EXPORTERS[str(app)] = InMemorySpanExporter()
        app.module.tracer_provider.add_span_processor(SimpleSpanProcessor(EXPORTERS[str(app)]))
    exporter = EXPORTERS[str(app)]
    exporter.clear()
    return exporter


ROUTES = {"fastapi": "/orders/{order_id}", "flask": "/orders/<int:order_id>"}


def server_span(exporter: InMemorySpanExporter):
    (span,) = [span for span in exporter.get_finished_spans() if span.kind == SpanKind.SERVER]
    return span


def status_code(span) -> int:
    return span.attributes["http.status_code"]


@pytest.mark.parametrize("app", APPS, ids=str)
def test_a_request_makes_a_server_span_named_after_its_route(app, spans):
    in_process_client(app).get("/orders/7")
    span = server_span(spans)
    assert span.name == f"GET {ROUTES[app.framework]}"
    assert status_code(span) == 200
    assert span.status.status_code == StatusCode.UNSET


@pytest.mark.parametrize("app", APPS, ids=str)
def test_the_500_of_an_unhandled_exception_is_an_error_span_with_the_exception(app, spans):
    in_process_client(app).get("/crash")
    span = server_span(spans)
    assert (span.name, status_code(span), span.status.status_code) == ("GET /crash", 500, StatusCode.ERROR)
    exceptions = [event for event in span.events if event.name == "exception"]
    assert [event.attributes["exception.type"] for event in exceptions] == ["RuntimeError"]


def test_fastapis_own_telemetry_steps_aside_for_the_instrumentation():
    """FastAPI 0.165 traces requests itself when given a provider; with FastAPIInstrumentor's
    middleware in the stack it leaves the span to it, so there is one server span, not two."""
    provider = TracerProvider()
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))

    def request_spans(instrumented: bool) -> list[str]:
        """The kinds of the spans named after the request (a second would be INTERNAL, in the first)."""
        exporter.clear()
        app = FastAPI(telemetry={"tracer_provider": provider})
        app.get("/orders/{order_id}")(lambda order_id: {"order_id": order_id})
        if instrumented:
            FastAPIInstrumentor.instrument_app(app, tracer_provider=provider)
        TestClient(app).get("/orders/7")
        spans = exporter.get_finished_spans()
        return [span.kind.name for span in spans if span.name == "GET /orders/{order_id}"]

    assert request_spans(instrumented=False) == ["SERVER"]
    assert request_spans(instrumented=True) == ["SERVER"]


OPT_IN_PROBE = """
import sys
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from harness.apps import get_app
sys.path.insert(0, "tests")
from support.clients import in_process_client
for name in sys.argv[1:]:
    app = get_app("observability", name)
    exporter = InMemorySpanExporter()
    app.module.tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    in_process_client(app).get("/orders/7")
    spans = exporter.get_finished_spans()
    print(name, sorted({key for span in spans for key in span.attributes if "status_code" in key}))
"""


def test_the_stable_attribute_names_are_opt_in():
    """The variable is read once per process, so each setting gets a process of its own (both apps in
    it: each instrumentation reads the same variable)."""
    said = {}
    for setting in ("", "http"):
        env = {**os.environ, "OTEL_SEMCONV_STABILITY_OPT_IN": setting}
        probe = [sys.executable, "-c", OPT_IN_PROBE, *(app.name for app in APPS)]
        ran = subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        for line in ran.stdout.splitlines()[-len(APPS) :]:
            name, keys = line.split(" ", 1)
            said[name, setting] = ast.literal_eval(keys)
    for app in APPS:
        assert said[app.name, ""] == ["http.status_code"], app
        assert said[app.name, "http"] == ["http.response.status_code"], app


# Metrics


def test_flasks_exporter_labels_by_the_raw_path_unless_told_otherwise():
    """The default group_by="path" makes one series per order; group_by="url_rule" one per route."""
    app = Flask(__name__)
    app.get("/orders/<int:order_id>")(lambda order_id: {"order_id": order_id})
    registry = CollectorRegistry()
    PrometheusMetrics(app, registry=registry)
    client = app.test_client()
    client.get("/orders/7")
    client.get("/orders/8")
    paths = {
        sample.labels["path"]
        for family in text_string_to_metric_families(client.get("/metrics").text)
        for sample in family.samples
        if sample.name == "flask_http_request_duration_seconds_count"
    }
    assert paths == {"/orders/7", "/orders/8"}


def counted(app, client: httpx2.Client) -> dict[tuple, float]:
    """The request counter's samples on /metrics, by (route, status)."""
    text = client.get("/metrics").text
    samples = [sample for family in text_string_to_metric_families(text) for sample in family.samples]
    if app.framework == "fastapi":
        return {
            (sample.labels["handler"], sample.labels["status"]): sample.value
            for sample in samples
            if sample.name == "http_requests_total"
        }
    return {
        (sample.labels["url_rule"], sample.labels["status"]): sample.value
        for sample in samples
        if sample.name == "flask_http_request_duration_seconds_count"
    }


STATUS = {"fastapi": {200: "2xx", 500: "5xx"}, "flask": {200: "200", 500: "500"}}


@pytest.mark.parametrize("app", APPS, ids=str)
def test_metrics_count_each_request_by_route_and_status_the_500_too(app):
    client = in_process_client(app)
    before = counted(app, client)
    client.get("/orders/7")
    client.get("/orders/8")
    client.get("/crash")
    after = counted(app, client)
    ok, error = (ROUTES[app.framework], STATUS[app.framework][200]), ("/crash", STATUS[app.framework][500])
    assert after[ok] - before.get(ok, 0) == 2
    assert after[error] - before.get(error, 0) == 1


# Under the production servers


@pytest.mark.servers
@pytest.mark.parametrize("app", APPS, ids=str)
def test_the_server_writes_json_lines_with_each_requests_id(app):
    """Flask's app on gunicorn's threaded worker, so that its requests overlap as FastAPI's do."""
    server = Server(app, GUNICORN_GTHREAD if app.framework == "flask" else None)
    with running_servers([server]) as running:
        base_url = running[server].base_url
        answers = send_at_once(lambda: socket_client(base_url))
        # Each on its own connection: uvicorn closes one after an unhandled exception.
        with socket_client(base_url) as client:
            assert client.get("/crash", headers={"X-Request-ID": "crash-1"}).status_code == 500
        with socket_client(base_url) as client:
            metrics = client.get("/metrics")
        output = running[server].output()
    assert all(answer.status_code == 200 for answer in answers)
    records = parse_lines(output)
    orders = [record for record in records if ORDER.match(record["message"])]
    assert len(orders) == 2 * BURST, output[-2000:]
    # The requests overlapped: some request's record falls between another's two.
    numbers = [ORDER.match(record["message"])[1] for record in orders]
    assert any(first != second for first, second in zip(numbers[::2], numbers[1::2], strict=True))
    assert crossed(orders) == []
    (error,) = [record for record in records if "exception" in record]
    assert error["request_id"] == "crash-1"
    assert metrics.status_code == 200 and "# TYPE" in metrics.text
    # uvicorn also logs the exception it saw leave the app, in its own format: its loggers do not
    # propagate to the root logger's JSON handler.
    assert ("Exception in ASGI application" in output) == (app.framework == "fastapi")
    assert not [record for record in records if "ASGI" in record["message"]]
