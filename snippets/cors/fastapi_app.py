"""CORS in FastAPI: Starlette's CORSMiddleware lets one other origin call the API from a browser."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://app.example.com"],
    allow_methods=["GET", "POST"],
    allow_headers=["Content-Type"],
)


@app.get("/items")
def list_items():
    return {"items": ["Pen", "Pencil"]}
