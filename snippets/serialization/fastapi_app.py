"""Request body in, response model out: FastAPI validates the body and filters the answer."""

from fastapi import FastAPI
from pydantic import BaseModel, Field

app = FastAPI()


class UserIn(BaseModel):
    name: str = Field(min_length=1)
    email: str
    password: str = Field(min_length=8)


class UserOut(BaseModel):
    name: str
    email: str


@app.post(
    "/users",
    response_model=UserOut,  # (1)!
    status_code=201,
    responses={400: {"description": "The body is not UTF-8"}},
)
def create_user(user: UserIn):
    return user
