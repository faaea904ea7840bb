"""Error handling in FastAPI: an exception of the app's own, turned into a JSON answer."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()

ITEMS = {1: "Pen", 2: "Pencil"}


class ItemNotFound(Exception):
    def __init__(self, item_id: int):
        self.item_id = item_id


@app.exception_handler(ItemNotFound)  # (1)!
async def item_not_found(request: Request, exc: ItemNotFound):
    return JSONResponse(status_code=404, content={"error": "Item not found", "item_id": exc.item_id})


@app.get("/items/{item_id}", responses={404: {"description": "Item not found"}})
def read_item(item_id: int):
    if item_id not in ITEMS:
        raise ItemNotFound(item_id)
    return {"item_id": item_id, "name": ITEMS[item_id]}
