"""Jobs that must not be lost, with FastAPI: a request sends the job to RQ and answers 202 at once.

BackgroundTasks would run the job in this process, after the response, and
lose it when the process dies. Here the job goes to Redis, and an RQ
worker in another process runs it (jobs.py holds the queue, the job and the
settings that bring a job back after a worker's crash).
"""

from typing import Annotated
from uuid import UUID

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from snippets.rq_queues.jobs import MAX_FAILURES, MAX_SECONDS, enqueue, job_state


class NewJob(BaseModel):
    seconds: Annotated[float, Field(ge=0, le=MAX_SECONDS)] = 0
    failures: Annotated[int, Field(ge=0, le=MAX_FAILURES)] = 0


app = FastAPI()


@app.exception_handler(RequestValidationError)  # (1)!
async def validation_error(request: Request, exc: RequestValidationError):
    errors = [{key: value for key, value in error.items() if key != "input"} for error in exc.errors()]
    return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


@app.post("/jobs", status_code=202, responses={400: {"description": "The body is not UTF-8"}})
def create_job(job: NewJob):
    return {"id": enqueue(job.seconds, job.failures)}


@app.get("/jobs/{job_id}", responses={404: {"description": "No such job"}})
def read_job(job_id: UUID):
    job = job_state(str(job_id))
    if job is None:
        raise HTTPException(status_code=404, detail="No such job")
    return job
