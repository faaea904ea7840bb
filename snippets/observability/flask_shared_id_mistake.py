"""The mistake, in Flask: the request ID kept in a module variable instead of on flask.g.

Sent one at a time, requests log the right ID. Served by threads at once
(gunicorn's gthread worker, or the development server, which starts a thread
per request), a request that waits (here on time.sleep) logs whatever ID the
last request to arrive wrote.
"""

import logging
import time
import uuid

from flask import Flask, request

from snippets.middleware.flask_app import VALID_REQUEST_ID
from snippets.observability.json_logs import JsonFormatter

current_request_id: str | None = None  # one variable for every thread of the process


class SharedIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id
        return True


handler = logging.StreamHandler()
handler.addFilter(SharedIdFilter())
handler.setFormatter(JsonFormatter())
log = logging.getLogger(__name__)
log.addHandler(handler)
log.setLevel(logging.INFO)
log.propagate = False
app = Flask(__name__)


@app.before_request
def remember_request_id():
    global current_request_id
    sent = request.headers.get("X-Request-ID", "")
    current_request_id = sent if VALID_REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex


@app.get("/orders/<int:order_id>")
def read_order(order_id):
    log.info("order %d: looking up", order_id)
    time.sleep(0.01)  # another thread's before_request runs here
    log.info("order %d: found", order_id)
    return {"order_id": order_id, "status": "shipped"}
