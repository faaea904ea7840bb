"""Generated input: no robust endpoint of either framework ever answers 5xx, whatever a client sends.

Every endpoint of every app (support/endpoints.py) gets Hypothesis-generated
requests: path parameters, query strings, the headers it reads, a Cookie
header, and a body with a Content-Type where it takes one
(support/generated_input.py). An endpoint a page shows answering 5xx is left
out: the article's own examples as written, whose 500s the bad-input tables
state and assert. Every answer is also held to the app's OpenAPI document by
the client (support/api_documents.py).
"""

import pytest
from hypothesis import given, settings

from support.clients import in_process_client
from support.endpoints import all_endpoints, robust_endpoints
from support.generated_input import requests_for, send_and_check

ROBUST_ENDPOINTS = robust_endpoints()


def examples_for(endpoint) -> int:
    """A quarter of the profile's budget for an endpoint that reads input, a fiftieth for one that
    reads none (it only gets stray query strings, headers and cookies, and may wait on simulated
    I/O): some 90 endpoints, each request a new client call, must fit the suite's time."""
    budget = settings.default.max_examples
    return max(3, budget // 4) if endpoint.declares_input else max(2, budget // 50)


def test_the_robust_endpoints_cover_both_frameworks_and_every_kind_of_input():
    assert {endpoint.app.framework for endpoint in ROBUST_ENDPOINTS} == {"fastapi", "flask", "quart"}
    for kind in ("path_params", "query", "headers", "takes_body"):
        assert any(getattr(endpoint, kind) for endpoint in ROBUST_ENDPOINTS), kind


def test_only_endpoints_a_page_shows_failing_are_left_out():
    left_out = {str(endpoint) for endpoint in all_endpoints()} - {
        str(endpoint) for endpoint in ROBUST_ENDPOINTS
    }
    assert left_out == {
        "hardening/fastapi:GET /crash",
        "hardening/flask:GET /crash",
        "middleware/fastapi_crash:GET /crash",
        "middleware/flask_crash:GET /crash",
        "observability/fastapi:GET /crash",
        "observability/flask:GET /crash",
        "openapi/fastapi:POST /items",
        "openapi/flask:POST /items",
        "serialization/fastapi:POST /users",
        "validation/fastapi:POST /items",
        "validation/flask:POST /items",
    }


# A timeout that fires inside Hypothesis is caught as a failure and retried, so the run never ends:
# this bound is far above what an endpoint takes (seconds), never meant to be reached.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("endpoint", ROBUST_ENDPOINTS, ids=str)
def test_never_answers_5xx(endpoint):
    client = in_process_client(endpoint.app)

    @settings(max_examples=examples_for(endpoint))
    @given(request=requests_for(endpoint))
    def answers_without_failing(request):
        send_and_check(client, request)

    answers_without_failing()
