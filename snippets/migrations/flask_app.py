"""The topic's example on Flask: replace it with the topic's own, and say here why it is written so.

Topic: Schema migrations with Alembic and Flask-Migrate
"""

from flask import Flask, request

app = Flask(__name__)


@app.get("/migrations")
def read_value():
    return {"value": request.args.get("value", "default")}
