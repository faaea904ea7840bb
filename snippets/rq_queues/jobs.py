"""The job queue both apps share: an RQ queue on Redis, its one job, and how the apps send and read jobs.

RQ is the small alternative to Celery: Redis is the only broker it knows, a
job is a plain function call, and `rq worker` runs each job in a child
process of its own. The web process only writes the job to Redis; a worker
(`rq worker --with-scheduler`) runs it and writes its state and result back,
where the web process reads them.

Without QUEUES_REDIS_URL the apps keep jobs in fakeredis, an in-memory
stand-in RQ's docs suggest for tests: they answer requests, but no worker
ever sees a job. Set it to your Redis (`python -m scripts.redis` starts one)
before starting the web app and the worker.
"""

import os
import time

from fakeredis import FakeRedis
from redis import Redis
from rq import Queue, Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.results import Result

REDIS_URL = os.environ.get("QUEUES_REDIS_URL")
MAX_SECONDS = 3  # how long a job may sleep: well inside the job timeout below
MAX_FAILURES = 3  # how many attempts a job may fail on purpose

redis = Redis.from_url(REDIS_URL) if REDIS_URL else FakeRedis()
queue = Queue(connection=redis)  # the queue named "default", the one `rq worker` reads unless told
# --8<-- [start:settings]
RETRY = Retry(max=2, interval=[1, 2])  # (1)!
JOB_TIMEOUT = 10  # (2)!
# --8<-- [end:settings]


class TransientError(Exception):
    """A failure worth another attempt: a timeout, a refused connection, a 503 from another service."""


# --8<-- [start:job]
def run_job(seconds: float, failures: int) -> dict:
    """Stand-in work: sleep `seconds`, failing the first `failures` attempts with a TransientError."""
    job = get_current_job()
    assert job is not None, "run_job runs in an RQ worker"
    job.meta["attempts"] = attempt = job.meta.get("attempts", 0) + 1  # (1)!
    job.save_meta()
    if attempt <= failures:
        raise TransientError(f"attempt {attempt} failed")
    time.sleep(seconds)
    return {"slept": seconds, "attempts": attempt}


# --8<-- [end:job]


# --8<-- [start:jobs]
def enqueue(seconds: float, failures: int) -> str:
    """Send the job; its id, for GET /jobs/{id}."""
    job = queue.enqueue(run_job, seconds, failures, retry=RETRY, job_timeout=JOB_TIMEOUT)
    return job.id


def job_state(job_id: str) -> dict | None:
    """The job's state and result or error; None for an id Redis holds no record of (never sent, or
    expired: RQ keeps a finished job 500 s, a failed one a year)."""
    try:
        job = Job.fetch(job_id, connection=redis)
    except NoSuchJobError:
        return None
    answer: dict = {"id": job_id, "state": job.get_status(refresh=False).value}  # as fetched: no second read
    latest = job.latest_result()  # the outcome of its last run: none while it waits for its first
    if latest is not None and latest.type == Result.Type.SUCCESSFUL:
        answer["result"] = latest.return_value
    elif latest is not None and latest.exc_string:
        answer["error"] = latest.exc_string.strip().rpartition("\n")[2]  # the traceback's last line
    return answer


# --8<-- [end:jobs]
