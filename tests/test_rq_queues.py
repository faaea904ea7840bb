"""Jobs that must not be lost, with RQ: a real Redis, workers killed mid-job, retries with their delays.

tests/test_contracts.py and tests/test_real_servers.py check the shown
exchange and snippets/rq_queues/bad_input.md against each app, with the
apps' default fakeredis. The in-process tests here run jobs with RQ's
SimpleWorker on that fakeredis. The rest start a throwaway Redis
(harness/redis.py), serve each app under its production server on it, and run
`rq worker` in a session of its own, killed with SIGKILL where a test says so
and always stopped (tests/support/workers.py). A job sent "without retry=" is
sent by the test, with the same function and timeout as the apps send it.
"""

import functools
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from harness.apps import topic_apps
from harness.processes import processes
from harness.project import SNIPPETS
from snippets.rq_queues import jobs
from support.clients import in_process_client
from support.tables import literal, read_pipe_table
from support.workers import (
    Worker,
    as_sent,
    check_a_waiting_job_runs_once_a_worker_starts,
    read,
    result_of,
    running_worker,
    send,
    serving_on_redis,
    wait_for,
)

TOPIC = "rq_queues"
APPS = topic_apps(TOPIC)
RQ = Path(sys.executable).with_name("rq")
# The worker command the page shows: a scheduler for the retries' delays, and a maintenance pass
# (which brings back a dead worker's jobs) every 30 s instead of every 10 minutes.
WORKER_ARGS = ["worker", "--with-scheduler", "--maintenance-interval", "30", "--worker-ttl", "45"]
READY = "*** Listening on default"
# A dead worker's job is taken up once its last heartbeat has expired, min(job timeout, 30 s) + 60 s
# after the heartbeat, at the next maintenance pass (every 30 s): about 90 s after the kill here.
HEARTBEAT_MINIMUM = 60
COMES_BACK_TIMEOUT = min(jobs.JOB_TIMEOUT, 30) + HEARTBEAT_MINIMUM + 30 + 30
# The worker's log with each line's time to the millisecond (the tests' only change to the command).
TIMED_LOG = ["--log-format", "%(created).3f %(message)s"]
RETRIES = SNIPPETS / TOPIC / "retries.md"
DONE = {"finished", "failed"}  # the states a job ends in


# In process, on the apps' default fakeredis.


@pytest.fixture
def fake_redis() -> Iterator[None]:
    """The apps' fakeredis, emptied first: a burst worker runs every job waiting, other tests' too."""
    jobs.redis.flushall()
    yield
    jobs.redis.flushall()


def run_waiting_jobs() -> None:
    """Run every job waiting now, in this process (RQ's SimpleWorker does not fork), then return."""
    SimpleWorker([jobs.queue], connection=jobs.redis).work(burst=True, logging_level="WARNING")


@pytest.mark.parametrize("app", APPS, ids=str)
def test_a_new_job_answers_202_and_reads_back_as_queued(app, fake_redis):
    client = in_process_client(app)
    created = client.post("/jobs", json={"seconds": 1})
    assert created.status_code == 202
    job_id = created.json()["id"]
    assert created.json() == {"id": str(UUID(job_id))}
    assert client.get(f"/jobs/{job_id}").json() == {"id": job_id, "state": "queued"}


@pytest.mark.parametrize("app", APPS, ids=str)
def test_a_worker_run_reads_back_as_finished_or_waiting_for_its_retry(app, fake_redis):
    client = in_process_client(app)
    done = client.post("/jobs", json={"seconds": 0}).json()["id"]
    failing = client.post("/jobs", json={"seconds": 0, "failures": 1}).json()["id"]
    run_waiting_jobs()
    assert client.get(f"/jobs/{done}").json() == {
        "id": done,
        "state": "finished",
        "result": {"slept": 0, "attempts": 1},
    }
    # Its first attempt failed: it waits in RQ's scheduled registry for its retry's time.
    assert client.get(f"/jobs/{failing}").json() == {"id": failing, "state": "scheduled"}


@pytest.mark.parametrize("app", APPS, ids=str)
def test_a_failed_job_reads_back_with_its_error(app, fake_redis):
    """A job with no retries left is failed; GET shows the last line of the traceback RQ stored."""
    job = jobs.queue.enqueue(jobs.run_job, 0, 1, job_timeout=jobs.JOB_TIMEOUT)  # without retry=
    run_waiting_jobs()
    assert in_process_client(app).get(f"/jobs/{job.id}").json() == {
        "id": job.id,
        "state": "failed",
        "error": "snippets.rq_queues.jobs.TransientError: attempt 1 failed",
    }


# Workers and the web apps on a real Redis.


def rq_worker(redis_url: str):
    """`rq worker` as the page shows it, on `redis_url`, ready on entry, always killed."""
    command = [str(RQ), *WORKER_ARGS, *TIMED_LOG, "--url", redis_url, "--name", f"worker-{uuid4().hex[:8]}"]
    return running_worker(command, ready=READY, env={"PYTHONPATH": str(SNIPPETS.parent)})


@pytest.fixture(scope="module")
def served(redis_server) -> Iterator[dict[str, str]]:
    """Each app's base URL under its production server, on the module's Redis."""
    with serving_on_redis(APPS, redis_server.url()) as served:
        yield served


def send_without_retry(redis_url: str, seconds: float) -> str:
    """The mistake: the apps' job, sent as RQ sends any job unless told to retry it; the apps read it
    like their own."""
    queue = Queue(connection=Redis.from_url(redis_url))
    return queue.enqueue("snippets.rq_queues.jobs.run_job", seconds, 0, job_timeout=jobs.JOB_TIMEOUT).id


def work_horse(worker: Worker) -> int:
    """The child RQ forks to run the job: the one in a process group of its own (the scheduler is not)."""
    groups = {each.pid: each.group for each in processes()}
    (horse,) = [pid for pid in worker.children() if groups.get(pid) == pid]
    return horse


@pytest.mark.servers
@pytest.mark.parametrize("app", APPS, ids=str)
def test_the_worker_runs_the_job_and_the_app_reads_its_result(app, served, redis_url):
    start_worker = functools.partial(rq_worker, redis_url)
    check_a_waiting_job_runs_once_a_worker_starts(
        app, served[app.name], start_worker, ("queued", "started", "finished")
    )


@pytest.mark.servers
@pytest.mark.timeout(COMES_BACK_TIMEOUT + 60)  # the wait, and four workers' starts
def test_a_dead_workers_jobs_come_back_only_with_retry(served, redis_url, capsys):
    """The machine dies: three workers, each mid-way through a 3-second job (one sent by each app,
    one sent without retry=), are SIGKILLed with their work horses, and a new worker starts at once.
    RQ has no acknowledgment: the jobs stay `started` until their heartbeat expires; the next
    maintenance pass then retries each job that has retries left, counting the lost run as an
    attempt, and fails the other with AbandonedJobError."""
    with rq_worker(redis_url) as first, rq_worker(redis_url) as second, rq_worker(redis_url) as third:
        # Sent once all three wait, so that each takes one job and all three are mid-job together.
        sent = {app.name: send(served[app.name], {"seconds": 3}) for app in APPS}
        bare = send_without_retry(redis_url, 3)
        for app in APPS:
            wait_for(served[app.name], sent[app.name], {"started"}, timeout=10)
        wait_for(served[APPS[0].name], bare, {"started"}, timeout=10)
        time.sleep(0.5)
        for worker in (first, second, third):
            worker.kill()
    killed = time.monotonic()
    with rq_worker(redis_url):
        done = {
            app.name: wait_for(served[app.name], sent[app.name], DONE, timeout=COMES_BACK_TIMEOUT)
            for app in APPS
        }
        took = time.monotonic() - killed
        lost = read(served[APPS[0].name], bare)
    assert took > HEARTBEAT_MINIMUM, took  # no sooner: nothing tells RQ the worker died
    for app in APPS:
        assert done[app.name]["state"] == "finished", done
        assert as_sent(done[app.name]["result"]) == as_sent(result_of(app, 3, 2)), done
    assert lost["state"] == "failed", lost
    assert lost["error"].startswith("Moved to FailedJobRegistry, due to AbandonedJobError"), lost
    with capsys.disabled():
        print(f"\nkilled mid-job: both apps' jobs done {took:.1f} s later; the one without retry=: failed")


@pytest.mark.servers
@pytest.mark.parametrize("retry", [True, False], ids=["with retry", "without retry"])
def test_a_work_horse_killed_mid_job(retry, served, redis_url):
    """The worker lives but the process running the job dies (the OOM killer, a segfault): the worker
    sees it at once and treats it as the job failing: retried after Retry's first interval if it may
    be (done within a 3-second run and that delay, no heartbeat to wait for), failed otherwise."""
    app = APPS[0]
    base_url = served[app.name]
    job_id = send(base_url, {"seconds": 3}) if retry else send_without_retry(redis_url, 3)
    with rq_worker(redis_url) as worker:
        wait_for(base_url, job_id, {"started"}, timeout=10)
        time.sleep(0.5)
        os.kill(work_horse(worker), signal.SIGKILL)
        killed = time.monotonic()
        job = wait_for(base_url, job_id, DONE, timeout=15)
        took = time.monotonic() - killed
    if retry:
        assert as_sent(job) == as_sent({"id": job_id, "state": "finished", "result": result_of(app, 3, 2)})
        assert took < 3 + jobs.RETRY.intervals[0] + SCHEDULER_TICK + 1.5, took
    else:
        assert job["state"] == "failed", job
        assert job["error"].startswith("Work-horse terminated unexpectedly; waitpid returned 9 (signal 9)"), (
            job
        )


RETRIES_TABLE = read_pipe_table(
    RETRIES, reads=("Failures asked for", "Attempts", "Delays before retries", "Final state", "Took")
)
# RQ stores a retry's due time in whole seconds and its scheduler looks for due jobs once a second:
# a delay of d seconds lasts from just over d - 1 to d + 1 seconds.
SCHEDULER_TICK = 1


def seconds_range(cell: str) -> tuple[float, float]:
    low, high = cell.removesuffix(" s").split(" to ")
    return float(low), float(high)


def timed_lines(worker: Worker, job_id: str, words: str) -> list[float]:
    """When the worker logged each line about the job that holds `words` (TIMED_LOG's times)."""
    return [
        float(line.split(" ", 1)[0])
        for line in worker.output().splitlines()
        if job_id in line and words in line
    ]


@pytest.mark.servers
@pytest.mark.parametrize("row", RETRIES_TABLE, ids=lambda row: row["Case"])
def test_a_failing_job_is_retried_after_the_delays_the_table_shows(row, served, redis_url, capsys):
    """Each attempt that raises is retried after the next of Retry's intervals (1 s, then 2 s), each
    give or take a second (SCHEDULER_TICK). After Retry's max=2 retries the job is failed for good."""
    base_url = served[APPS[1].name]
    with rq_worker(redis_url) as worker:
        job_id = send(base_url, {"failures": int(row["Failures asked for"])})
        started = time.monotonic()
        job = wait_for(base_url, job_id, DONE, timeout=15)
        took = time.monotonic() - started
        runs = timed_lines(worker, job_id, ": default: snippets.rq_queues.jobs.run_job(")  # each start
        failures = timed_lines(worker, job_id, "exception raised while executing")
    waits = [run - failure for failure, run in zip(failures, runs[1:], strict=False)]
    with capsys.disabled():
        shown = ", ".join(f"{wait:.1f}" for wait in waits)
        print(f"\n{row['Case']}: waited {shown} s before the retries, {job['state']} after {took:.1f} s")
    delays = [float(delay.removesuffix(" s")) for delay in row["Delays before retries"].split(", ")]
    assert [float(interval) for interval in jobs.RETRY.intervals] == delays
    attempts = int(row["Attempts"])
    assert len(runs) == attempts
    assert len(waits) == len(delays) == attempts - 1
    for wait, delay in zip(waits, delays, strict=True):
        assert wait < delay + SCHEDULER_TICK + 0.3, waits
    assert sum(waits) > sum(delays) - SCHEDULER_TICK * len(delays), waits  # no retry went at once
    assert job["state"] == literal(row["Final state"])
    low, high = seconds_range(row["Took"])
    assert low <= took < high, took
    if job["state"] == "finished":
        assert job["result"] == {"slept": 0, "attempts": attempts}
    else:
        assert job["error"] == f"snippets.rq_queues.jobs.TransientError: attempt {attempts} failed"
