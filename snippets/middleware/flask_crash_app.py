"""The request-ID hooks of flask_app.py, and a view that raises an exception nothing handles."""

from flask import Flask

from snippets.middleware.flask_app import add_request_id, read_request_id

app = Flask(__name__)
app.before_request(read_request_id)
app.after_request(add_request_id)


@app.get("/crash")
def crash():
    raise RuntimeError("a bug no handler expects")
