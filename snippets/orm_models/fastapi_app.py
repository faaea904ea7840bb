"""SQLModel, as FastAPI's SQL tutorial teaches it: a class that is a Pydantic model and a table.

Written the way FastAPI's "SQL (Relational) Databases" tutorial writes it: a
table model (`Item`, table=True) beside data models for what a client sends
(`ItemCreate`) and what it gets back (`ItemPublic`), a `yield` dependency that
hands each request a session (`SessionDep`), `session.get`, and offset and
limit query parameters. Added to the tutorial so that no request is a 500: 409
for a name that is taken, a lower bound on offset and limit and an upper bound
on every number that reaches the database, and 422 answers without the input.
"""

import os
from collections.abc import Iterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import FiniteFloat
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, create_engine, select

# SQLite by default; PostgreSQL through psycopg 3 with postgresql+psycopg://...
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///items.db")
# FastAPI may open a session in one thread and use it in another, which SQLite refuses by default.
SQLITE_ONLY = {"check_same_thread": False} if DATABASE_URL.startswith("sqlite") else {}
engine = create_engine(DATABASE_URL, connect_args=SQLITE_ONLY)
# The id column is PostgreSQL's 32-bit integer: a larger id fails the query there, and no offset
# past it can reach a row.
MAX_ID = 2**31 - 1


# --8<-- [start:models]
class ItemBase(SQLModel):
    name: str = Field(min_length=1, max_length=100, unique=True)
    price: FiniteFloat


class Item(ItemBase, table=True):  # (1)!
    id: int | None = Field(default=None, primary_key=True)


class ItemCreate(ItemBase):  # (2)!
    pass


class ItemPublic(ItemBase):  # (3)!
    id: int


# --8<-- [end:models]


# --8<-- [start:session]
def get_session() -> Iterator[Session]:
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@asynccontextmanager
async def lifespan(app: FastAPI):
    SQLModel.metadata.create_all(engine)
    yield


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
    response_model=ItemPublic,
    responses={400: {"description": "The body is not UTF-8"}, 409: {"description": "The name is taken"}},
)
def create_item(item: ItemCreate, session: SessionDep):
    row = Item.model_validate(item)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        raise HTTPException(status_code=409, detail="An item with this name exists") from None
    session.refresh(row)
    return row


@app.get("/items", response_model=list[ItemPublic])
def list_items(
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
):
    return session.exec(select(Item).order_by(col(Item.id)).offset(offset).limit(limit)).all()


@app.get("/items/{item_id}", response_model=ItemPublic, responses={404: {"description": "Item not found"}})
def read_item(item_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep):
    row = session.get(Item, item_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return row


# --8<-- [end:endpoints]
