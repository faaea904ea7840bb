"""The topic's example on FastAPI: replace it with the topic's own, and say here why it is written so.

Topic: Schema migrations with Alembic and Flask-Migrate
"""

from fastapi import FastAPI

app = FastAPI()


@app.get("/migrations")
def read_value(value: str = "default"):
    return {"value": value}
