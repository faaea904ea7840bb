"""Authentication: every 401 tells the client which scheme to use, as HTTP requires (RFC 9110, 11.6.1),
and says invalid_token when the token given is wrong (RFC 6750, 3.1)."""

import pytest

from harness.apps import get_app
from support.clients import in_process_client
from support.tables import request_rows

UNAUTHENTICATED = [row for row in request_rows("auth") if 401 in row.statuses.values()]


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
@pytest.mark.parametrize("row", UNAUTHENTICATED, ids=str)
def test_401_names_the_bearer_scheme(row, framework):
    response = row.send(in_process_client(get_app("auth", framework)))
    assert response.status_code == 401
    scheme, _, token = row.headers.get("Authorization", "").partition(" ")
    given = scheme.lower() == "bearer" and token
    assert response.headers["WWW-Authenticate"] == ('Bearer error="invalid_token"' if given else "Bearer")


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_the_token_is_read_from_the_environment(framework, reimport):
    """API_TOKEN is read at import: re-imported with another token, each app accepts only that one."""
    app = get_app("auth", framework)
    reimport(app, API_TOKEN="another-token")
    client = in_process_client(app)
    assert client.get("/secret", headers={"Authorization": "Bearer another-token"}).status_code == 200
    assert client.get("/secret", headers={"Authorization": "Bearer example-token"}).status_code == 401
