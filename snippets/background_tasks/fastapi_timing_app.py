"""When does a FastAPI background task run? After the response has been sent."""

import os
import time

from fastapi import BackgroundTasks, FastAPI

# The work takes 2 s; SIMULATED_IO_SECONDS sets another length, as in the I/O-wait example.
IO_SECONDS = float(os.environ.get("SIMULATED_IO_SECONDS", "2"))

app = FastAPI()


def slow_task(name: str):
    time.sleep(IO_SECONDS)
    print(f"Finished slow task for {name}")


@app.post("/slow-task")
def add_slow_task(name: str, background_tasks: BackgroundTasks):
    background_tasks.add_task(slow_task, name)
    return {"message": "Task added"}
