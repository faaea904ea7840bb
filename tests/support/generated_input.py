"""Hypothesis strategies for hostile requests, and the property every robust endpoint must keep.

`requests_for(endpoint)` draws every input a client controls (support/endpoints.py
says which an endpoint reads):
- path parameters: integers of any size (one past the 64-bit range included),
  negative and decimal numbers, non-ASCII text, percent-encoded bytes that are
  not UTF-8, values thousands of characters long;
- query strings: the endpoint's parameters and common names, keys repeated or
  bare, empty values, huge numbers, raw escapes;
- headers the endpoint reads, with any Latin-1 octets, and a Cookie header;
- bodies: arbitrary JSON values (lone surrogates and NaN included), item-like
  objects with odd prices, or arbitrary bytes, under common or odd Content-Types.
"""

import json
from dataclasses import dataclass
from urllib.parse import quote

from hypothesis import strategies as st

from .clients import HttpRequest
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
# A URL cannot carry a lone surrogate: values are valid text, percent-encoded, or raw escapes.
url_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
RAW_ESCAPES = ["%FF", "%ED%A0%80", "%00", "%2F", "%2e%2e", "%", "%zz"]
NUMBER_EDGES = [
    str(2**63 - 1),
    str(2**63),  # one past SQLite's and most databases' 64-bit integers
    str(-(2**63) - 1),
    str(10**100),
    "-1",
    "0",
    "1.5",
    "1e400",
    "NaN",
    "٣",  # an Arabic-Indic digit: Python's int() accepts it
]
LONG_VALUES = ["9" * 5000, "a" * 10_000]

path_values = st.one_of(
    st.integers(min_value=-3, max_value=5).map(str),  # ids that exist, so other inputs reach the code
    st.integers().map(str),
    st.sampled_from(NUMBER_EDGES + RAW_ESCAPES + LONG_VALUES + ["..", "a b", "ünïcode"]),
    url_text.filter(bool).map(lambda text: quote(text, safe="")),
)
query_values = st.one_of(
    url_text.map(lambda text: quote(text, safe="")),
    st.sampled_from(["", *NUMBER_EDGES, *RAW_ESCAPES, *LONG_VALUES]),
)
# Header values are bytes, as a client may send any octet but CR, LF and NUL; servers decode them as Latin-1.
header_values = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=60),
    st.builds(lambda text: f"Bearer {text}", header_text),
    st.sampled_from(["", " ", "Bearer", "x" * 8000]),
).map(lambda text: text.encode("latin-1"))


@dataclass(frozen=True)
class GeneratedRequest(HttpRequest):
    """A request Hypothesis drew: headers as bytes, since any byte may be drawn."""

    def __str__(self) -> str:
        shown = {name: value[:80] for name, value in self.headers.items()}
        return f"{self.method} {self.target[:200]} headers={shown} body={self.body[:200]!r}"


def query_string(pairs: list[tuple[str, str]], bare_key: str | None) -> str:
    """`key=value&...`, keys repeated as drawn, and sometimes a key with no `=` at all."""
    parts = [f"{quote(key, safe='')}={value}" for key, value in pairs]
    return "&".join(parts + ([bare_key] if bare_key else []))


@st.composite
def requests_for(draw, endpoint) -> GeneratedRequest:
    """A hostile request to one endpoint: every input it declares is drawn, and some it does not."""
    path = endpoint.path
    for name in endpoint.path_params:
        path = path.replace(f"{{{name}}}", draw(path_values))
    keys = st.sampled_from([*endpoint.query, *QUERY_NAMES])
    pairs = draw(st.lists(st.tuples(keys, query_values), max_size=4))
    query = query_string(pairs, draw(st.none() | keys))
    headers = (
        draw(st.dictionaries(st.sampled_from(endpoint.headers), header_values)) if endpoint.headers else {}
    )
    if draw(st.booleans()):
        cookies = draw(
            st.lists(st.tuples(st.sampled_from([*endpoint.cookies, "session"]), header_text), max_size=3)
        )
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies).encode("latin-1")
    body = b""
    if endpoint.takes_body:
        body = draw(bodies)
        content_type = draw(content_types)
        if content_type is not None:
            headers["Content-Type"] = content_type.encode("latin-1")
    return GeneratedRequest(endpoint.method, f"{path}?{query}" if query else path, headers, body)


def send_and_check(client, request: GeneratedRequest):
    """Send one generated request; fail on a 5xx or on a JSON answer that is not valid JSON."""
    response = request.send(client)
    assert response.status_code < 500, f"{request}\nanswered {response.status_code}: {response.text[:500]}"
    if response.headers.get("content-type") == "application/json":
        strict_json(response.text)
