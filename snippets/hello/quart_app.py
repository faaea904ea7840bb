"""The article's Hello World on Quart: Flask's API (a view may return a dict, sent as JSON) on ASGI."""

from quart import Quart

app = Quart(__name__)


@app.route("/")
async def home():
    return {"message": "Hello, Quart!"}
