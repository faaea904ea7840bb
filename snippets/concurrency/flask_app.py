"""Two ways to wait in a Flask view: a plain view and an async view (flask[async]).

How many requests wait at once is set by the server, not by the view.
"""

import asyncio
import os
import time

from flask import Flask

# The article waits 2 s; SIMULATED_IO_SECONDS sets another wait, as in the I/O-wait example.
IO_SECONDS = float(os.environ.get("SIMULATED_IO_SECONDS", "2"))

app = Flask(__name__)


@app.route("/thread-wait")
def thread_wait():
    time.sleep(IO_SECONDS)  # holds this worker thread for the whole wait
    return {"waited": "time.sleep in def"}


@app.route("/async-wait")
async def async_wait():
    await asyncio.sleep(IO_SECONDS)  # a new event loop on a helper thread; the worker thread waits
    return {"waited": "asyncio.sleep in async def"}
