"""The article's Hello World on FastAPI: one route that returns a dict as JSON."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def home():
    return {"message": "Hello, FastAPI!"}
