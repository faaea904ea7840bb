"""The topic's example on FastAPI: replace it with the topic's own, and say here why it is written so.

Topic: SQLModel and Flask-SQLAlchemy
"""

from fastapi import FastAPI

app = FastAPI()


@app.get("/orm_models")
def read_value(value: str = "default"):
    return {"value": value}
