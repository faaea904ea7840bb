"""Request body in, response model out: FastAPI validates the body and filters the answer.

`response_model=UserOut` is why the password never leaves the server, even
though the endpoint returns the whole `UserIn`.
"""

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


@app.post("/users", response_model=UserOut, status_code=201)
def create_user(user: UserIn):
    return user
