"""Database access in FastAPI: SQLAlchemy 2 on SQLite or PostgreSQL (DATABASE_URL), one session per request.

Names are unique, so a second item with the same name fails in the database;
the app answers 409 instead of letting the IntegrityError become a 500.
"""

import os
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Path, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, FiniteFloat
from sqlalchemy import String, create_engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///items.db")
# FastAPI may open a session in one thread and use it in another, which SQLite refuses by default.
SQLITE_ONLY = {"check_same_thread": False} if DATABASE_URL.startswith("sqlite") else {}
engine = create_engine(DATABASE_URL, connect_args=SQLITE_ONLY)


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    price: Mapped[float]


Base.metadata.create_all(engine)


# --8<-- [start:session]
# Mapped[int] is PostgreSQL's 32-bit integer: a larger id fails the query there (SQLite's reach 2**63 - 1).
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    price: FiniteFloat


def get_session() -> Iterator[Session]:
    with Session(engine) as session:
        yield session


app = FastAPI()


@app.exception_handler(RequestValidationError)  # (1)!
async def validation_error(request: Request, exc: RequestValidationError):
    errors = [{key: value for key, value in error.items() if key != "input"} for error in exc.errors()]
    return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


@app.post(
    "/items",
    status_code=201,
    responses={400: {"description": "The body is not UTF-8"}, 409: {"description": "The name is taken"}},
)
def create_item(item: ItemIn, session: Annotated[Session, Depends(get_session)]):
    row = Item(name=item.name, price=item.price)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        raise HTTPException(status_code=409, detail="An item with this name exists") from None
    return {"id": row.id, "name": row.name, "price": row.price}


@app.get("/items/{item_id}", responses={404: {"description": "Item not found"}})
def read_item(item_id: ItemId, session: Annotated[Session, Depends(get_session)]):
    row = session.get(Item, item_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return {"id": row.id, "name": row.name, "price": row.price}


# --8<-- [end:session]
