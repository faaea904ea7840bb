"""Bearer-token authentication in FastAPI: HTTPBearer reads the header, a dependency checks the token."""

import os
import secrets
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

API_TOKEN = os.environ.get("API_TOKEN", "example-token")  # (1)!

bearer = HTTPBearer()  # (2)!


def require_token(credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> None:
    if not secrets.compare_digest(credentials.credentials.encode(), API_TOKEN.encode()):
        raise HTTPException(status_code=403, detail="Invalid token")


app = FastAPI()


@app.get(
    "/secret",
    dependencies=[Depends(require_token)],
    responses={401: {"description": "No bearer token"}, 403: {"description": "Wrong token"}},
)
def read_secret():
    return {"secret": "The cake is a lie"}
