"""Server-sent events on Flask: a view that returns a generator as a `text/event-stream` response.

The view checks `count` before it returns: once the generator runs, the
status and headers have been sent, and an error could only cut the stream.
The generator reads nothing from `request`; one that did would need
`stream_with_context`, as Flask's request context ends when the view returns.
The server sends each string the generator yields as it comes. `/streams`
says how many streams are open and how many events were produced: the
figures to watch, or export as metrics, when clients come and go.
"""

import json
import os
import threading
import time

from flask import Flask, Response, request

# --8<-- [start:events]
# The wait for the next event stands in for real I/O (a queue, a database): 1 s, or SIMULATED_IO_SECONDS.
INTERVAL_SECONDS = float(os.environ.get("SIMULATED_IO_SECONDS", "1"))
MAX_EVENTS = 60

app = Flask(__name__)
streams = {"open": 0, "produced": 0}
lock = threading.Lock()  # streams run on several threads at once


def add(name: str, change: int) -> None:
    with lock:
        streams[name] += change


@app.get("/events")
def events():
    count = request.args.get("count", type=int)
    if count is None or not 1 <= count <= MAX_EVENTS:
        return {"error": f"count must be a whole number from 1 to {MAX_EVENTS}"}, 400

    def generate():
        add("open", 1)
        try:
            for number in range(1, count + 1):
                time.sleep(INTERVAL_SECONDS)  # (1)!
                add("produced", 1)
                yield f"data: {json.dumps({'number': number})}\nid: {number}\n\n"
        finally:  # the last event was sent, or the client left and the server closed the generator
            add("open", -1)

    # FastAPI's EventSourceResponse sends these two headers itself: no caching, no proxy buffering.
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return Response(generate(), mimetype="text/event-stream", headers=headers)


# --8<-- [end:events]


@app.get("/streams")
def stream_counts():
    with lock:
        return dict(streams)
