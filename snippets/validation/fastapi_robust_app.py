"""The article's FastAPI validation example, hardened so that no body can cause a 500."""

import json

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, FiniteFloat


class ASCIIJSONResponse(JSONResponse):  # (1)!
    def render(self, content) -> bytes:
        return json.dumps(content, allow_nan=False, separators=(",", ":")).encode("ascii")


app = FastAPI(default_response_class=ASCIIJSONResponse)


class Item(BaseModel):
    name: str
    price: FiniteFloat  # (2)!


@app.exception_handler(RequestValidationError)  # (3)!
async def validation_error(request: Request, exc: RequestValidationError):
    errors = [{key: value for key, value in error.items() if key != "input"} for error in exc.errors()]
    detail = jsonable_encoder(errors)
    return ASCIIJSONResponse({"detail": detail}, status_code=422)


# --8<-- [start:endpoint]
@app.post("/items", responses={400: {"description": "The body is not UTF-8"}})
async def create_item(item: Item):
    return {"message": "Item created", "item": item}


# --8<-- [end:endpoint]
