"""Path and query parameters in FastAPI: declared as typed function arguments, converted and checked."""

from fastapi import FastAPI, Query

app = FastAPI()


@app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None, limit: int = Query(10, ge=1, le=100)):
    return {"item_id": item_id, "q": q, "limit": limit}
