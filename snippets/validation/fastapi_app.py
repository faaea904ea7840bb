"""The article's FastAPI validation example, as written; fastapi_robust_app.py is the one to copy."""

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    name: str
    price: float  # (1)!


@app.post("/items")
async def create_item(item: Item):
    return {"message": "Item created", "item": item}
