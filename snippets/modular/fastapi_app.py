"""A modular FastAPI app: the users routes live on an APIRouter, included under /users.

In a real project `users` sits in its own module (users.py) and main.py only
includes it; one file keeps this example whole.
"""

from fastapi import APIRouter, FastAPI, HTTPException

USERS = {"ada": "Ada Lovelace", "alan": "Alan Turing"}

users = APIRouter(prefix="/users", tags=["users"])


@users.get("/")
def list_users():
    return {"users": sorted(USERS)}


@users.get("/{username}", responses={404: {"description": "User not found"}})
def read_user(username: str):
    if username not in USERS:
        raise HTTPException(status_code=404, detail="User not found")
    return {"username": username, "name": USERS[username]}


app = FastAPI()
app.include_router(users)
