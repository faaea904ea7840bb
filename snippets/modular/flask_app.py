"""A modular Flask app: the users routes live on a Blueprint, registered under /users.

In a real project `users` sits in its own module (users.py) and the app
factory registers it; one file keeps this example whole.
"""

from flask import Blueprint, Flask

USERS = {"ada": "Ada Lovelace", "alan": "Alan Turing"}

users = Blueprint("users", __name__, url_prefix="/users")


@users.get("/")
def list_users():
    return {"users": sorted(USERS)}


@users.get("/<username>")
def read_user(username):
    if username not in USERS:
        return {"error": "User not found"}, 404
    return {"username": username, "name": USERS[username]}


app = Flask(__name__)
app.register_blueprint(users)
