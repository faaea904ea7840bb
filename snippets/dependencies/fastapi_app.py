"""Dependency injection in FastAPI: a per-request resource, opened and closed by a `yield` dependency."""

import sqlite3
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI

app = FastAPI()


def get_db() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:", check_same_thread=False)  # (1)!
    try:
        yield connection
    finally:
        connection.close()


@app.get("/shout")
def shout(word: str, db: Annotated[sqlite3.Connection, Depends(get_db)]):
    (loud,) = db.execute("SELECT upper(?)", (word,)).fetchone()
    return {"shout": loud}
