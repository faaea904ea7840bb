"""The article's I/O-wait example on Flask: a view that blocks its thread on simulated I/O.

The thread is busy for the whole wait; how many requests wait at once is
decided by the server (threads or worker processes), not by Flask.
"""

import os
import time

from flask import Flask

# The article waits 2 s; SIMULATED_IO_SECONDS sets another wait (the benchmark runs 50 ms).
IO_SECONDS = float(os.environ.get("SIMULATED_IO_SECONDS", "2"))

app = Flask(__name__)


@app.route("/sync")
def sync_endpoint():
    time.sleep(IO_SECONDS)  # Simulating blocking operation
    return {"message": "Sync Response"}
