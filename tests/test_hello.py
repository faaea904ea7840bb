"""Hello World: beyond the shown exchange and table, FastAPI's generated docs are real.

The table on the Ease of use page states what each app answers per method and
path (tests/test_contracts.py checks it); this module checks what the page
says about the docs FastAPI adds for free.
"""

from harness.apps import get_app
from support.clients import in_process_client

FASTAPI_HELLO = get_app("hello", "fastapi")


def test_fastapi_serves_an_openapi_3_1_schema_of_the_route():
    schema = in_process_client(FASTAPI_HELLO).get("/openapi.json").json()
    assert schema["openapi"].startswith("3.1.")
    assert list(schema["paths"]) == ["/"]


def test_fastapi_docs_pages_are_html_that_load_the_schema():
    client = in_process_client(FASTAPI_HELLO)
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assert response.headers["content-type"].startswith("text/html")
        assert "/openapi.json" in response.text


def test_fastapi_writes_the_hello_answer_with_its_pure_python_encoder(monkeypatch):
    """performance.md: a trivial endpoint's speed is not Pydantic's compiled core. The hello endpoint
    declares no response model, so FastAPI converts its dict with `jsonable_encoder` (Python) and
    never hands it to a Pydantic serializer."""
    import fastapi.routing
    from fastapi.encoders import jsonable_encoder

    calls = []

    def counting_encoder(value, *args, **kwargs):
        calls.append(value)
        return jsonable_encoder(value, *args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "jsonable_encoder", counting_encoder)
    client = in_process_client(FASTAPI_HELLO)
    for _ in range(3):
        assert client.get("/").json() == {"message": "Hello, FastAPI!"}
    assert calls == [{"message": "Hello, FastAPI!"}] * 3
    route = next(route for route in FASTAPI_HELLO.app.routes if getattr(route, "path", None) == "/")
    assert route.response_field is None  # no Pydantic model to serialize with
