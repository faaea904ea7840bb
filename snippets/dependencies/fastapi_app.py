"""Dependency injection in FastAPI: a per-request resource, opened and closed by a `yield` dependency.

The endpoint declares what it needs; FastAPI calls `get_db` for each request
and runs the code after `yield` once the response is done. FastAPI may run a
sync dependency and a sync endpoint in different threads, hence
`check_same_thread=False` for SQLite.
"""

import sqlite3
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI

app = FastAPI()


def get_db() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        yield connection
    finally:
        connection.close()


@app.get("/shout")
def shout(word: str, db: Annotated[sqlite3.Connection, Depends(get_db)]):
    (loud,) = db.execute("SELECT upper(?)", (word,)).fetchone()
    return {"shout": loud}
