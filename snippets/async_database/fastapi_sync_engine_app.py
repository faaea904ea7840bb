"""The synchronous engine in FastAPI: inside `async def` it holds the event loop; in `def` it does not.

The same slow query as fastapi_app.py's GET /report, through SQLAlchemy's
synchronous engine, twice. In GET /report (the mistake) nothing is awaited, so
while the database counts, the worker's event loop runs nothing else: every
other request to this worker waits until the query ends. GET /report-in-a-thread
is the same code declared with `def`, which FastAPI runs in its thread pool:
the query waits on a pool thread, and the event loop serves on.
"""

import os

from fastapi import FastAPI
from sqlalchemy import create_engine

from snippets.async_database.fastapi_app import REPORT_QUERY, REPORT_ROWS, SQLITE_FILE

# SQLite by default; PostgreSQL through psycopg with postgresql+psycopg://...
engine = create_engine(os.environ.get("SYNC_DATABASE_URL", f"sqlite:///{SQLITE_FILE}"))
app = FastAPI()


@app.get("/report")
async def report():
    with engine.connect() as connection:
        rows = connection.scalar(REPORT_QUERY, {"rows": REPORT_ROWS})  # the event loop waits here
    return {"rows_counted": rows}


@app.get("/report-in-a-thread")
def report_in_a_thread():  # `def`: a thread of FastAPI's pool waits here, not the event loop
    with engine.connect() as connection:
        rows = connection.scalar(REPORT_QUERY, {"rows": REPORT_ROWS})
    return {"rows_counted": rows}
