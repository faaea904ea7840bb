"""Hypothesis strategies for hostile requests, and the property every robust endpoint must keep.

Bodies are arbitrary JSON values (lone surrogates and NaN included), item-like
objects with odd prices, or arbitrary bytes; Content-Types are common ones or
any printable text; query strings use the parameter names the examples read,
with valid text or raw escapes for bytes that are not UTF-8.
"""

import json
from urllib.parse import urlencode

from hypothesis import strategies as st

from .exchanges import strict_json

QUERY_NAMES = ["name", "word", "q", "limit"]

header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
# json.dumps writes lone surrogates as "\ud800" escapes, which are valid JSON.
any_text = st.text(st.characters(exclude_categories=()), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4),
    max_leaves=10,
)
# Mostly well-formed items, so that bodies get past validation to the answer.
item_like = st.fixed_dictionaries(
    {},
    optional={
        "name": any_text | json_values,
        "price": st.floats(allow_nan=False, allow_infinity=False)
        | json_values
        | st.sampled_from(["NaN", "inf", "-inf", "1e400"]),
    },
)
bodies = (json_values | item_like).map(lambda value: json.dumps(value).encode()) | st.binary(max_size=200)
content_types = (
    st.none() | st.sampled_from(["application/json", "text/plain", "application/x-json"]) | header_text
)
# A URL cannot carry a lone surrogate: values are valid text, or raw escapes.
query_strings = (
    st.none()
    | st.builds(
        lambda key, value: urlencode({key: value}), st.sampled_from(QUERY_NAMES), st.text(max_size=20)
    )
    | st.builds(
        lambda key, raw: f"{key}={raw}",
        st.sampled_from(QUERY_NAMES),
        st.sampled_from(["%FF", "%ED%A0%80", "%00", "", "1e400", "-1"]),
    )
)


def send_and_check(client, method: str, path: str, body: bytes, content_type: str | None, query: str | None):
    """Send one generated request; fail on a 5xx or on a JSON answer that is not valid JSON."""
    headers = {} if content_type is None else {"Content-Type": content_type}
    url = path if query is None else f"{path}?{query}"
    response = client.request(method, url, content=body, headers=headers)
    assert response.status_code < 500, response.text
    if response.headers.get("content-type") == "application/json":
        strict_json(response.text)
