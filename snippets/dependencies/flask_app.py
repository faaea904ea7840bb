"""Flask's counterpart of dependency injection: a per-request resource kept on `g`, as in Flask's tutorial."""

import sqlite3

from flask import Flask, g, request

app = Flask(__name__)


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(":memory:")
    return g.db


@app.teardown_appcontext
def close_db(exception):
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


@app.get("/shout")
def shout():
    word = request.args.get("word")
    if word is None:
        return {"error": "Missing query parameter: word"}, 400
    (loud,) = get_db().execute("SELECT upper(?)", (word,)).fetchone()
    return {"shout": loud}
