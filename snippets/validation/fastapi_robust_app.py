"""The article's FastAPI validation example, hardened so that no body can cause a 500.

The article's version has three gaps, each found by the generated-input tests:

- `price: float` accepts "NaN" and "inf", which cannot be written back as
  JSON. `FiniteFloat` refuses them with a 422.
- FastAPI's default 422 handler echoes what the client sent as each error's
  "input", and fails when that cannot be written as JSON: bytes that are not
  UTF-8 (fastapi/fastapi issue 13111), or a NaN inside a list. This handler
  leaves the input out.
- Starlette's JSONResponse encodes to UTF-8, which fails on a lone surrogate
  such as a JSON string "\\ud800". These responses escape non-ASCII
  characters, as Flask's do.
"""

import json

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, FiniteFloat


class ASCIIJSONResponse(JSONResponse):
    def render(self, content) -> bytes:
        return json.dumps(content, allow_nan=False, separators=(",", ":")).encode("ascii")


app = FastAPI(default_response_class=ASCIIJSONResponse)


class Item(BaseModel):
    name: str
    price: FiniteFloat


@app.exception_handler(RequestValidationError)
async def validation_error(request: Request, exc: RequestValidationError):
    errors = [{key: value for key, value in error.items() if key != "input"} for error in exc.errors()]
    detail = jsonable_encoder(errors)
    return ASCIIJSONResponse({"detail": detail}, status_code=422)


@app.post("/items", responses={400: {"description": "The body is not UTF-8"}})
async def create_item(item: Item):
    return {"message": "Item created", "item": item}
