"""The job queue both apps share: a Celery app on Redis, its one task, and how the apps enqueue and read jobs.

Celery is what Flask's and FastAPI's docs point to for work that must outlive
a request. The web process only sends a message to Redis; a separate worker
process (`celery -A snippets.queues.tasks worker`) runs the job, and writes
its state and result back to Redis, where the web process reads them.

Without QUEUES_REDIS_URL the app keeps messages and results in its own
memory: it answers requests, but no worker ever sees a job. Set it to your
Redis (`python -m scripts.redis` starts one) before starting the web app and
the worker.
"""

import os
import time
from uuid import uuid4

from celery import Celery, states
from celery.result import AsyncResult

REDIS_URL = os.environ.get("QUEUES_REDIS_URL")
MAX_SECONDS = 3  # how long a job may sleep: well inside the visibility timeout below
MAX_FAILURES = 3  # how many attempts a job may fail on purpose
QUEUED = "QUEUED"  # the state a job has from the request that sent it until a worker starts it

queue = Celery(
    "queues",
    broker=REDIS_URL or "memory://",
    backend=REDIS_URL or "cache+memory://",
)
# --8<-- [start:settings]
queue.conf.update(
    task_acks_late=True,  # (1)!
    task_reject_on_worker_lost=True,  # (2)!
    broker_transport_options={"visibility_timeout": 5},  # (3)!
    task_track_started=True,  # (4)!
    worker_prefetch_multiplier=1,  # (5)!
)
# --8<-- [end:settings]


class TransientError(Exception):
    """A failure worth another attempt: a timeout, a refused connection, a 503 from another service."""


# --8<-- [start:task]
@queue.task(
    bind=True,
    autoretry_for=(TransientError,),
    retry_backoff=1,
    retry_jitter=False,
    max_retries=2,
)
def run_job(self, seconds: float, failures: int) -> dict:
    """Stand-in work: sleep `seconds`, failing the first `failures` attempts with a TransientError."""
    attempt = self.request.retries + 1
    if attempt <= failures:
        raise TransientError(f"attempt {attempt} failed")
    time.sleep(seconds)
    return {"slept": seconds, "attempts": attempt}


# --8<-- [end:task]


# --8<-- [start:jobs]
def enqueue(seconds: float, failures: int) -> str:
    """Record the job as QUEUED, then send it; its id, for GET /jobs/{id}."""
    job_id = str(uuid4())
    queue.backend.store_result(job_id, None, QUEUED)
    run_job.apply_async((seconds, failures), task_id=job_id)
    return job_id


def job_state(job_id: str) -> dict | None:
    """The job's state and result or error; None for an id this app never sent."""
    result = AsyncResult(job_id, app=queue)
    if result.state == states.PENDING:  # Celery's state for any id it has no record of
        return None
    job: dict = {"id": job_id, "state": result.state}
    if result.state == states.SUCCESS:
        job["result"] = result.result
    elif result.state in (states.FAILURE, states.RETRY):
        job["error"] = str(result.result)
    return job


# --8<-- [end:jobs]
