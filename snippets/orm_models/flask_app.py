"""The topic's example on Flask: replace it with the topic's own, and say here why it is written so.

Topic: SQLModel and Flask-SQLAlchemy
"""

from flask import Flask, request

app = Flask(__name__)


@app.get("/orm_models")
def read_value():
    return {"value": request.args.get("value", "default")}
