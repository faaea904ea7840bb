"""Routing and HTTP methods in FastAPI: one decorator per method, path parameters typed."""

from fastapi import FastAPI, Response

app = FastAPI()


@app.get("/items")
def list_items():
    return {"items": ["Pen", "Pencil"]}


@app.post("/items", status_code=201)
def create_item():
    return {"message": "Item created"}


@app.put("/items/{item_id}")
def replace_item(item_id: int):
    return {"message": f"Item {item_id} replaced"}


@app.delete("/items/{item_id}", status_code=204)
def delete_item(item_id: int):
    return Response(status_code=204)
