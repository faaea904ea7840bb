"""Automatic API docs in Flask, with the flask-openapi3 extension: the schema at /openapi/openapi.json.

flask-openapi3 builds the schema from Pydantic models, as FastAPI does, and
validates the body against them (422 on bad input). Its documentation pages
(Swagger UI, ReDoc, ...) are separate plugin packages.
"""

from flask_openapi3 import Info, OpenAPI
from pydantic import BaseModel, FiniteFloat

# Without security_schemes the schema says "securitySchemes": null, which is
# not valid OpenAPI (the tests validate it).
app = OpenAPI(__name__, info=Info(title="Items API", version="1.0.0"), security_schemes={})


class Item(BaseModel):
    name: str
    price: FiniteFloat


@app.post("/items", responses={201: Item})
def create_item(body: Item):
    return body.model_dump(), 201
