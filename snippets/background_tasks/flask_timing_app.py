"""When do Flask's per-request callbacks run? One before the response, one after.

`after_this_request` runs before the response is sent (it may change the
response), so the client waits for it. `call_on_close` runs once the response
has been sent, while the worker stays busy.
"""

import os
import time

from flask import Flask, after_this_request, jsonify, request

# The work takes 2 s; SIMULATED_IO_SECONDS sets another length, as in the I/O-wait example.
IO_SECONDS = float(os.environ.get("SIMULATED_IO_SECONDS", "2"))

app = Flask(__name__)


def slow_task(name: str):
    time.sleep(IO_SECONDS)
    print(f"Finished slow task for {name}")


@app.post("/after-this-request")
def slow_task_before_response():
    name = request.args.get("name", "nobody")

    @after_this_request
    def run_slow_task(response):
        slow_task(name)
        return response

    return jsonify({"message": "Task added"})


@app.post("/call-on-close")
def slow_task_after_response():
    name = request.args.get("name", "nobody")
    response = jsonify({"message": "Task added"})
    response.call_on_close(lambda: slow_task(name))
    return response
