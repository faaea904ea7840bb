"""Configuration in Flask: defaults in code, overridden by APP_* environment variables.

`from_prefixed_env` parses each value as JSON and keeps it as a string when
that fails, so `APP_MAX_ITEMS=abc` is accepted as the text "abc".
"""

from flask import Flask

app = Flask(__name__)
app.config.from_mapping(GREETING="Hello", MAX_ITEMS=10)
app.config.from_prefixed_env("APP")


@app.get("/settings")
def read_settings():
    return {"greeting": app.config["GREETING"], "max_items": app.config["MAX_ITEMS"]}
