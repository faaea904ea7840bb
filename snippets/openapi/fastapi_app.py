"""Automatic API docs in FastAPI: the OpenAPI schema at /openapi.json, Swagger UI at /docs, ReDoc at /redoc.

The schema is generated from the route and its models; nothing is written by hand.
"""

from fastapi import FastAPI
from pydantic import BaseModel, FiniteFloat

app = FastAPI(title="Items API", version="1.0.0")


class Item(BaseModel):
    name: str
    price: FiniteFloat


@app.post("/items", status_code=201, responses={400: {"description": "The body is not UTF-8"}})
def create_item(item: Item) -> Item:
    return item
