"""Schema migrations with FastAPI: plain SQLAlchemy 2 models, and Alembic revisions that change the schema.

The app never creates a table. `alembic upgrade head` (alembic.ini beside this
file) brings the database to the schema these models describe, before the
server starts; alembic/versions/ holds the history, one revision per change.
"""

import os
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Path
from sqlalchemy import String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

# alembic/env.py reads the same variable, so the tool migrates the database the app uses.
DATABASE_URL = os.environ.get("FASTAPI_DATABASE_URL", "sqlite:///fastapi_items.db")
# FastAPI may open a session in one thread and use it in another, which SQLite refuses by default.
SQLITE_ONLY = {"check_same_thread": False} if DATABASE_URL.startswith("sqlite") else {}
engine = create_engine(DATABASE_URL, connect_args=SQLITE_ONLY)


# --8<-- [start:models]
class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(200))  # revision 0002 adds it


# --8<-- [end:models]

# Mapped[int] is PostgreSQL's 32-bit integer: a larger id would fail the query there.
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def get_session() -> Iterator[Session]:
    with Session(engine) as session:
        yield session


app = FastAPI()


@app.get("/items/{item_id}", responses={404: {"description": "Item not found"}})
def read_item(item_id: ItemId, session: Annotated[Session, Depends(get_session)]):
    row = session.get(Item, item_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return {"id": row.id, "name": row.name, "description": row.description}
