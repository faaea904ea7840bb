"""Generated API docs: both schemas are valid OpenAPI and describe the same endpoint and model."""

import pytest
from openapi_spec_validator import validate

from harness.apps import get_app
from support.clients import in_process_client

SCHEMA_PATHS = {"fastapi": "/openapi.json", "flask": "/openapi/openapi.json"}


@pytest.fixture(params=sorted(SCHEMA_PATHS))
def schema(request):
    app = get_app("openapi", request.param)
    return in_process_client(app).get(SCHEMA_PATHS[request.param]).json()


def test_schema_is_valid_openapi(schema):
    validate(schema)


def test_schema_describes_the_endpoint_and_its_model(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"] == {"title": "Items API", "version": "1.0.0"}
    operation = schema["paths"]["/items"]["post"]
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema == {"$ref": "#/components/schemas/Item"}
    item = schema["components"]["schemas"]["Item"]
    assert set(item["properties"]) == {"name", "price"}
    assert set(item["required"]) == {"name", "price"}
    assert "201" in operation["responses"]


def test_openapi_versions_the_page_states():
    versions = {
        name: in_process_client(get_app("openapi", name)).get(path).json()["openapi"]
        for name, path in SCHEMA_PATHS.items()
    }
    assert versions == {"fastapi": "3.1.0", "flask": "3.1.0"}
