"""The mistake: a synchronous database call inside `async def` holds the event loop.

The same slow query as fastapi_app.py's GET /report, through SQLAlchemy's
synchronous engine. Nothing is awaited, so while the database counts, the worker's
event loop runs nothing else: every other request to this worker waits until
the query ends. Use the async engine, or declare the endpoint with `def`,
which FastAPI runs in its thread pool.
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
