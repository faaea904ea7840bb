"""Configuration in Flask: defaults in code, overridden by APP_* environment variables."""

from flask import Flask

app = Flask(__name__)
app.config.from_mapping(GREETING="Hello", MAX_ITEMS=10)
app.config.from_prefixed_env("APP")  # (1)!


@app.get("/settings")
def read_settings():
    return {"greeting": app.config["GREETING"], "max_items": app.config["MAX_ITEMS"]}
