"""A small FastAPI app to show how FastAPI apps are tested: items come from a dependency."""

from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException

app = FastAPI()


def get_items() -> dict[int, str]:
    return {1: "Pen", 2: "Pencil"}


@app.get("/items/{item_id}", responses={404: {"description": "Item not found"}})
def read_item(item_id: int, items: Annotated[dict[int, str], Depends(get_items)]):
    if item_id not in items:
        raise HTTPException(status_code=404, detail="Item not found")
    return {"id": item_id, "name": items[item_id]}
