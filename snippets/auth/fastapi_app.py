"""Bearer-token authentication in FastAPI: HTTPBearer reads the header, a dependency checks the token."""

import os
import secrets
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

API_TOKEN = os.environ.get("API_TOKEN", "example-token")  # (1)!
INVALID_TOKEN = {"WWW-Authenticate": 'Bearer error="invalid_token"'}  # (3)!

bearer = HTTPBearer()  # (2)!


def require_token(credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> None:
    if not secrets.compare_digest(credentials.credentials.encode(), API_TOKEN.encode()):
        raise HTTPException(401, "Invalid token", headers=INVALID_TOKEN)


app = FastAPI()


@app.get(
    "/secret",
    dependencies=[Depends(require_token)],
    responses={401: {"description": "No bearer token, or a wrong one"}},
)
def read_secret():
    return {"secret": "The cake is a lie"}
