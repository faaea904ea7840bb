"""Generated input: no robust input-taking endpoint of either framework ever answers 5xx.

Every endpoint of every app whose bad-input table shows no 5xx gets
Hypothesis-generated bodies, Content-Types and query strings (see
support/generated_input.py). The article's own validation examples are left
out that way: their 500s are documented on the page and asserted by the
table.
"""

import pytest
from hypothesis import given

from support.clients import in_process_client
from support.generated_input import bodies, content_types, query_strings, send_and_check
from support.tables import robust_endpoints

ROBUST_ENDPOINTS = robust_endpoints()


def test_the_robust_endpoints_include_both_frameworks():
    assert {app.framework for app, _, _ in ROBUST_ENDPOINTS} == {"fastapi", "flask"}


@pytest.mark.parametrize(("app", "method", "path"), ROBUST_ENDPOINTS, ids=str)
@given(body=bodies, content_type=content_types, query=query_strings)
def test_never_answers_5xx(app, method, path, body, content_type, query):
    send_and_check(in_process_client(app), method, path, body, content_type, query)
