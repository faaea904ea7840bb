"""The article's Hello World on Flask: a view may return a dict, which Flask sends as JSON."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def home():
    return {"message": "Hello, Flask!"}
