"""The I/O-wait example on Quart: Flask's API, with an async view awaiting simulated I/O.

As with FastAPI, while one request awaits, the event loop serves others on the
same worker (here Hypercorn's).
"""

import asyncio
import os

from quart import Quart

# The article waits 2 s; SIMULATED_IO_SECONDS sets another wait, as in the other two apps.
IO_SECONDS = float(os.environ.get("SIMULATED_IO_SECONDS", "2"))

app = Quart(__name__)


@app.route("/async")
async def async_endpoint():
    await asyncio.sleep(IO_SECONDS)  # Simulating async I/O operation
    return {"message": "Async Response"}
