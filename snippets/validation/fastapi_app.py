"""The article's FastAPI validation example, as the article wrote it.

FastAPI validates the body against `Item` and answers 422 for bad input, but
`price: float` lets through "NaN" and "inf", which cannot be written back as
JSON: such a body gets a 500. fastapi_robust_app.py closes that gap and two
more that generated input found.
"""

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    name: str
    price: float


@app.post("/items")
async def create_item(item: Item):
    return {"message": "Item created", "item": item}
