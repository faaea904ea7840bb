"""The article's FastAPI validation example, with a price that must be finite.

`FiniteFloat` rejects "NaN" and "inf" at validation time (422), so every body
that validates can also be serialized back to JSON.
"""

from fastapi import FastAPI
from pydantic import BaseModel, FiniteFloat

app = FastAPI()


class Item(BaseModel):
    name: str
    price: FiniteFloat


@app.post("/items")
async def create_item(item: Item):
    return {"message": "Item created", "item": item}
