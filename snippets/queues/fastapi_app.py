"""Jobs that must not be lost, with FastAPI: a request sends the job to Celery and answers 202 at once.

BackgroundTasks would run the job in this process, after the response, and
lose it when the process dies. Here the job goes to Redis, and a Celery
worker in another process runs it (tasks.py holds the queue, the task and
the settings that keep a job through a worker's crash).
"""

from typing import Annotated
from uuid import UUID

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from snippets.queues.tasks import MAX_FAILURES, MAX_SECONDS, enqueue, job_state


class NewJob(BaseModel):
    seconds: Annotated[float, Field(ge=0, le=MAX_SECONDS)] = 0
    failures: Annotated[int, Field(ge=0, le=MAX_FAILURES)] = 0


app = FastAPI()


@app.post("/jobs", status_code=202)
def create_job(job: NewJob):
    return {"id": enqueue(job.seconds, job.failures)}


@app.get("/jobs/{job_id}", responses={404: {"description": "No such job"}})
def read_job(job_id: UUID):
    job = job_state(str(job_id))
    if job is None:
        raise HTTPException(status_code=404, detail="No such job")
    return job
