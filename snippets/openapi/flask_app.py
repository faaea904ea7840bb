"""Automatic API docs in Flask, with the flask-openapi3 extension: the schema at /openapi/openapi.json.

flask-openapi3 builds the schema from Pydantic models, as FastAPI does, and
validates the body against them (422 on bad input).
"""

from flask_openapi3 import Info, OpenAPI
from pydantic import BaseModel, FiniteFloat

app = OpenAPI(__name__, info=Info(title="Items API", version="1.0.0"), security_schemes={})  # (1)!


class Item(BaseModel):
    name: str
    price: FiniteFloat


@app.post("/items", responses={201: Item})
def create_item(body: Item):
    return body.model_dump(), 201
