"""Which test compares each endpoint's body: a shown exchange, or a named test where no exchange can.

A status table proves an endpoint answers 4xx, not what it returns: a body
that changed, or that was never right, passes it. So every endpoint an app
under snippets/ defines (support.endpoints) needs a shown exchange from that
app, which compares the whole response, or an entry in COMPARED_IN_TESTS
naming the test function that compares its body. That function must request
the endpoint's path and read its JSON, or the entry is refused.

COMPARED_IN_TESTS is for answers a file cannot show the same on every run:
a cookie signed with the time, a rate-limit counter, a count other tests
change, the address of whichever client connected.
"""

import ast
from dataclasses import dataclass
from functools import cache

from harness.project import TESTS

from .endpoints import Endpoint, all_endpoints
from .exchanges import read_request, shown_exchanges

# Endpoint (as support.endpoints names it) -> (the test module::function comparing its body, why no exchange).
COMPARED_IN_TESTS = {
    "queues/fastapi:POST /jobs": (
        "test_queues.py::test_a_new_job_answers_202_with_its_id_and_reads_back_as_queued",
        "the job's id is a new UUID on every request",
    ),
    "queues/flask:POST /jobs": (
        "test_queues.py::test_a_new_job_answers_202_with_its_id_and_reads_back_as_queued",
        "the job's id is a new UUID on every request",
    ),
    "rq_queues/fastapi:POST /jobs": (
        "test_rq_queues.py::test_a_new_job_answers_202_and_reads_back_as_queued",
        "the job's id is a new UUID on every request",
    ),
    "rq_queues/flask:POST /jobs": (
        "test_rq_queues.py::test_a_new_job_answers_202_and_reads_back_as_queued",
        "the job's id is a new UUID on every request",
    ),
    "async_database/fastapi:GET /report": (
        "test_async_database.py::test_the_report_counts_the_rows",
        "the count is REPORT_ROWS, which the test sets",
    ),
    "async_database/fastapi_sync_engine:GET /report": (
        "test_async_database.py::test_the_report_counts_the_rows",
        "the count is REPORT_ROWS, which the test sets",
    ),
    "async_database/fastapi_sync_engine:GET /report-in-a-thread": (
        "test_async_database.py::test_the_report_counts_the_rows",
        "the count is REPORT_ROWS, which the test sets",
    ),
    "concurrency/fastapi_shared_pool:GET /with-sync-dependency": (
        "test_concurrency.py::test_the_lifespan_sets_the_thread_pool_size",
        "the page shows the timing, not the answer",
    ),
    "concurrency/fastapi_shared_pool:GET /without-dependency": (
        "test_concurrency.py::test_the_lifespan_sets_the_thread_pool_size",
        "the page shows the timing, not the answer",
    ),
    "hardening/fastapi:GET /client": (
        "test_hardening.py::test_the_app_sees_the_client_and_scheme_the_table_says",
        "the answer is the connecting client's address, which differs in process",
    ),
    "hardening/flask:GET /client": (
        "test_hardening.py::test_the_app_sees_the_client_and_scheme_the_table_says",
        "the answer is the connecting client's address, which differs in process",
    ),
    "hardening/fastapi:GET /report": (
        "test_hardening.py::test_the_fourth_request_in_a_minute_is_refused_with_retry_after",
        "its rate-limit headers count down and carry a reset time",
    ),
    "hardening/flask:GET /report": (
        "test_hardening.py::test_the_fourth_request_in_a_minute_is_refused_with_retry_after",
        "its rate-limit headers count down and carry a reset time",
    ),
    "sessions/fastapi:POST /login": (
        "test_sessions.py::login_cookie",
        "the session cookie is signed with the time",
    ),
    "sessions/flask:POST /login": (
        "test_sessions.py::login_cookie",
        "the session cookie is signed with the time",
    ),
    "sessions/fastapi:POST /logout": (
        "test_sessions.py::test_the_session_cookie_logs_in_and_out",
        "it needs the signed cookie of a login first",
    ),
    "sessions/flask:POST /logout": (
        "test_sessions.py::test_the_session_cookie_logs_in_and_out",
        "it needs the signed cookie of a login first",
    ),
    "streaming/fastapi:GET /streams": (
        "test_streaming.py::test_what_an_open_stream_holds",
        "the counts are those of the streams open at that moment",
    ),
    "streaming/flask:GET /streams": (
        "test_streaming.py::test_what_an_open_stream_holds",
        "the counts are those of the streams open at that moment",
    ),
}


@dataclass(frozen=True)
class ShownRequest:
    app_name: str
    method: str
    path: str


@cache
def shown_requests(topic: str) -> frozenset[ShownRequest]:
    """(app, method, path) of each request in the topic whose answer from that app a file shows."""
    return frozenset(
        ShownRequest(exchange.app.name, request.method, request.target.split("?", 1)[0])
        for exchange in shown_exchanges(topic)
        if exchange.response_path.exists()
        for request in [read_request(exchange.request_path)]
    )


def has_exchange(endpoint: Endpoint) -> bool:
    return any(
        shown.app_name == endpoint.app.name and endpoint.matches(shown.method, shown.path)
        for shown in shown_requests(endpoint.app.topic)
    )


def function_source(reference: str) -> str | None:
    """The source of `test_module.py::function` (a test or a fixture, at any depth), or None."""
    module, _, name = reference.partition("::")
    path = TESTS / module
    if not path.is_file():
        return None
    text = path.read_text()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_source_segment(text, node)
    return None


def entry_problem(endpoint: Endpoint, reference: str) -> str | None:
    """Why a COMPARED_IN_TESTS entry does not hold, or None."""
    source = function_source(reference)
    if source is None:
        return f"{endpoint}: COMPARED_IN_TESTS names {reference}, which does not exist"
    literal = endpoint.path.split("{", 1)[0].rstrip("/") or "/"
    if f'"{literal}' not in source or ".json()" not in source:
        return (
            f"{endpoint}: {reference} does not request {literal} and read its JSON, so it compares no body "
            "of this endpoint"
        )
    return None


def body_problems(endpoints: list[Endpoint] | None = None) -> list[str]:
    """An endpoint whose body nothing compares, and each COMPARED_IN_TESTS entry that does not hold."""
    endpoints = all_endpoints() if endpoints is None else endpoints
    problems = []
    for endpoint in endpoints:
        entry = COMPARED_IN_TESTS.get(str(endpoint))
        if has_exchange(endpoint):
            if entry:
                problems.append(f"{endpoint}: an exchange compares its body; drop it from COMPARED_IN_TESTS")
        elif entry is None:
            problems.append(
                f"{endpoint}: no shown exchange compares its body (a status table does not). "
                f"Add snippets/{endpoint.app.topic}/http/<case>.request.http with a request to it, "
                "include it on the page, and run with --update-examples to write each app's answer. "
                "If no file can show the answer the same on every run, name the test that compares it "
                "in COMPARED_IN_TESTS in tests/support/compared_bodies.py"
            )
        elif problem := entry_problem(endpoint, entry[0]):
            problems.append(problem)
    gone = COMPARED_IN_TESTS.keys() - {str(endpoint) for endpoint in all_endpoints()}
    problems += [f"COMPARED_IN_TESTS names {name}, which no app defines" for name in sorted(gone)]
    return problems
