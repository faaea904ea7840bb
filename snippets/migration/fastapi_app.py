"""Halfway through a move from Flask: FastAPI serves GET /items/{item_id}, the Flask app the rest.

The moved route keeps the API's contract: the same key check (imported, not
copied), the same error body, and a path converter so that a non-number
still falls through to Flask's 404 instead of becoming FastAPI's 422.
"""

from http import HTTPStatus
from typing import Annotated

from a2wsgi import WSGIMiddleware
from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from starlette.convertors import IntegerConvertor, register_url_convertor
from starlette.exceptions import HTTPException as StarletteHTTPException

from .flask_app import ITEMS, key_is_valid
from .flask_app import app as flask_app


# --8<-- [start:move]
class ItemIdConvertor(IntegerConvertor):
    # Starlette's own `int` converter matches any run of digits, and int() fails
    # (a 500) on more than 4,300 of them; a longer id falls through instead.
    regex = "[0-9]{1,18}"


register_url_convertor("item_id", ItemIdConvertor())


def require_key(x_api_key: Annotated[str | None, Header()] = None) -> None:
    if not key_is_valid(x_api_key):
        raise HTTPException(status_code=401)


app = FastAPI(dependencies=[Depends(require_key)])


@app.exception_handler(StarletteHTTPException)
async def error_as_json(request: Request, exc: StarletteHTTPException):
    body = {"error": HTTPStatus(exc.status_code).phrase}
    return JSONResponse(body, status_code=exc.status_code, headers={"X-Served-By": "fastapi"})


@app.get(
    "/items/{item_id:item_id}",
    responses={401: {"description": "No valid X-API-Key"}, 404: {"description": "No such item"}},
)
def read_item(item_id: int, response: Response):
    if item_id not in ITEMS:
        raise HTTPException(status_code=404)
    response.headers["X-Served-By"] = "fastapi"
    return {"id": item_id, "name": ITEMS[item_id]}


app.mount("/", WSGIMiddleware(flask_app))  # (1)!
# --8<-- [end:move]
