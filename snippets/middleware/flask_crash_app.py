"""The request-ID hooks of flask_app.py, and a view that raises an exception nothing handles.

Flask turns such an exception into its 500 page and still runs the
`after_request` hooks on it, so the answer keeps its X-Request-ID; in debug
or testing mode the exception propagates instead, and they do not run.
"""

from flask import Flask

from snippets.middleware.flask_app import add_request_id, read_request_id

app = Flask(__name__)
app.before_request(read_request_id)
app.after_request(add_request_id)


@app.get("/crash")
def crash():
    raise RuntimeError("a bug no handler expects")
