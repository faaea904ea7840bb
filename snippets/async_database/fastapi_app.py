"""Async database access in FastAPI: SQLAlchemy 2's AsyncSession over aiosqlite, one session per request.

Every query is awaited, so while SQLite works (on aiosqlite's own thread) the
event loop serves other requests, even during the slow GET /report.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, FiniteFloat
from sqlalchemy import String, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SQLITE_FILE = os.environ.get("SQLITE_FILE", "async_items.db")
# SQLite through aiosqlite by default; PostgreSQL through asyncpg with postgresql+asyncpg://...
ASYNC_DATABASE_URL = os.environ.get("ASYNC_DATABASE_URL", f"sqlite+aiosqlite:///{SQLITE_FILE}")
# A slow query: the database counts to REPORT_ROWS (SQLite: a third of a second per million, idle).
REPORT_ROWS = int(os.environ.get("REPORT_ROWS", "300000"))
REPORT_QUERY = text(
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < :rows) SELECT count(*) FROM n"
)
MAX_ID = 2**31 - 1  # Mapped[int] is PostgreSQL's 32-bit integer: a larger id fails the query there
MAX_OFFSET = 2**63 - 1  # SQLite's and PostgreSQL's 64-bit OFFSET: a larger one fails the query


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    price: Mapped[float]


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    price: FiniteFloat


def as_json(row: Item) -> dict:
    return {"id": row.id, "name": row.name, "price": row.price}


# --8<-- [start:session]
engine = create_async_engine(ASYNC_DATABASE_URL)
new_session = async_sessionmaker(engine, expire_on_commit=False)  # (1)!


async def get_session() -> AsyncIterator[AsyncSession]:
    async with new_session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


@asynccontextmanager
async def lifespan(app: FastAPI):
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)  # (2)!
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)
# --8<-- [end:session]


@app.exception_handler(RequestValidationError)
async def validation_error(request: Request, exc: RequestValidationError):
    errors = [{key: value for key, value in error.items() if key != "input"} for error in exc.errors()]
    return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


# --8<-- [start:endpoints]
@app.post(
    "/items",
    status_code=201,
    responses={400: {"description": "The body is not UTF-8"}, 409: {"description": "The name is taken"}},
)
async def create_item(item: ItemIn, session: SessionDep):
    row = Item(name=item.name, price=item.price)
    session.add(row)
    try:
        await session.commit()
    except IntegrityError:
        raise HTTPException(status_code=409, detail="An item with this name exists") from None
    return as_json(row)


@app.get("/items")
async def list_items(
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
):
    rows = await session.scalars(select(Item).order_by(Item.id).offset(offset).limit(limit))
    return [as_json(row) for row in rows]


@app.get("/items/{item_id}", responses={404: {"description": "Item not found"}})
async def read_item(item_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep):
    row = await session.get(Item, item_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return as_json(row)


@app.get("/report")
async def report(session: SessionDep):
    rows = await session.scalar(REPORT_QUERY, {"rows": REPORT_ROWS})  # the database counts; the loop is free
    return {"rows_counted": rows}


# --8<-- [end:endpoints]
