"""Jobs that must not be lost: Celery on a real Redis, a worker killed mid-job, retries with backoff.

tests/test_contracts.py and tests/test_real_servers.py check the shown
exchange and snippets/queues/bad_input.md against each app, with the apps'
default in-memory broker. This module starts a throwaway Redis
(harness/redis.py), serves each app under its production server on it,
and runs `celery -A snippets.queues.tasks worker` in a session of its own,
killed with SIGKILL where a test says so and always stopped
(tests/support/workers.py). Where a
test removes a setting, it removes it from a copy of tasks.py in tmp_path.
"""

import functools
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from celery import states

from harness.apps import topic_apps
from harness.project import ROOT, SNIPPETS
from snippets.queues import tasks
from support.clients import in_process_client
from support.tables import literal, read_pipe_table
from support.workers import (
    as_sent,
    check_a_waiting_job_runs_once_a_worker_starts,
    read,
    result_of,
    running_worker,
    send,
    serving_on_redis,
    wait_for,
)

TOPIC = "queues"
APPS = topic_apps(TOPIC)
CELERY = Path(sys.executable).with_name("celery")
WORKER_ARGS = ["worker", "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle"]
VISIBILITY_TIMEOUT = tasks.queue.conf.broker_transport_options["visibility_timeout"]
RERUN_TIMEOUT = 10  # seconds for a new worker to put a 3-second job back and run it; about 4 s here
RETRIES = SNIPPETS / TOPIC / "retries.md"
SETTINGS = {
    "task_acks_late": "    task_acks_late=True,  # (1)!\n",
    "task_reject_on_worker_lost": "    task_reject_on_worker_lost=True,  # (2)!\n",
    "visibility_timeout": '    broker_transport_options={"visibility_timeout": 5},  # (3)!\n',
}


# In process, with the default in-memory broker: what a request answers before any worker runs.


@pytest.mark.parametrize("app", APPS, ids=str)
def test_a_new_job_answers_202_with_its_id_and_reads_back_as_queued(app):
    client = in_process_client(app)
    created = client.post("/jobs", json={"seconds": 1})
    assert created.status_code == 202
    job_id = created.json()["id"]
    assert created.json() == {"id": str(UUID(job_id))}
    assert client.get(f"/jobs/{job_id}").json() == {"id": job_id, "state": "QUEUED"}


@pytest.mark.parametrize("app", APPS, ids=str)
@pytest.mark.parametrize(
    ("state", "stored", "shown"),
    [
        ("STARTED", None, {}),
        ("SUCCESS", {"slept": 1, "attempts": 1}, {"result": {"slept": 1, "attempts": 1}}),
        ("RETRY", tasks.TransientError("attempt 1 failed"), {"error": "attempt 1 failed"}),
        ("FAILURE", tasks.TransientError("attempt 3 failed"), {"error": "attempt 3 failed"}),
    ],
    ids=["STARTED", "SUCCESS", "RETRY", "FAILURE"],
)
def test_each_state_a_worker_writes_reads_back(app, state, stored, shown):
    """What GET answers for each state a worker stores (written here straight into the result backend)."""
    job_id = str(uuid4())
    tasks.queue.backend.store_result(job_id, stored, state)
    answer = in_process_client(app).get(f"/jobs/{job_id}")
    assert answer.status_code == 200
    assert answer.json() == {"id": job_id, "state": state, **shown}


def test_celery_calls_an_id_it_never_saw_pending_so_the_app_records_each_job():
    """Why enqueue() stores QUEUED first: without a record, an unknown id and a waiting job look alike."""
    assert tasks.AsyncResult(str(uuid4()), app=tasks.queue).state == states.PENDING


def test_the_task_fails_its_first_attempts_then_succeeds_in_process():
    """The task's own logic, run eagerly (retries at once, without the countdown a worker waits)."""
    assert tasks.run_job.apply(args=(0, 0)).get() == {"slept": 0, "attempts": 1}
    assert tasks.run_job.apply(args=(0, 2)).get() == {"slept": 0, "attempts": 3}
    with pytest.raises(tasks.TransientError, match="attempt 3 failed"):
        tasks.run_job.apply(args=(0, 3)).get()


# A worker process and the web apps on a real Redis.


def project_copy(tmp_path: Path, without: str | None) -> Path:
    """ROOT for the worker, or a copy of snippets/queues/ without one of tasks.py's settings."""
    if without is None:
        return ROOT
    copy = tmp_path / "project"
    shutil.copytree(SNIPPETS / TOPIC, copy / "snippets" / TOPIC, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(SNIPPETS / "__init__.py", copy / "snippets" / "__init__.py")
    module = copy / "snippets" / TOPIC / "tasks.py"
    text = module.read_text()
    assert SETTINGS[without] in text, f"{without} not found in tasks.py"
    module.write_text(text.replace(SETTINGS[without], ""))
    return copy


def celery_worker(redis_url: str, project: Path = ROOT):
    """`celery -A snippets.queues.tasks worker` on `redis_url`, ready on entry, always killed."""
    command = [str(CELERY), "-A", "snippets.queues.tasks", *WORKER_ARGS, "-n", f"worker-{uuid4().hex[:8]}@%h"]
    env = {"QUEUES_REDIS_URL": redis_url, "PYTHONPATH": str(project)}
    return running_worker(command, ready=" ready.", env=env, cwd=project)


@pytest.fixture(scope="module")
def served(redis_server) -> Iterator[dict[str, str]]:
    """Each app's base URL under its production server, on the module's Redis."""
    with serving_on_redis(APPS, redis_server.url()) as served:
        yield served


@pytest.mark.servers
@pytest.mark.parametrize("app", APPS, ids=str)
def test_the_worker_runs_the_job_and_the_app_reads_its_result(app, served, redis_url):
    start_worker = functools.partial(celery_worker, redis_url)
    check_a_waiting_job_runs_once_a_worker_starts(
        app, served[app.name], start_worker, ("QUEUED", "STARTED", "SUCCESS")
    )


def kill_mid_job(base_url: str, redis_url: str, project: Path) -> str:
    """Send a 3-second job, SIGKILL every process of the worker once the job has started."""
    job_id = send(base_url, {"seconds": 3})
    with celery_worker(redis_url, project) as worker:
        wait_for(base_url, job_id, {"STARTED"}, timeout=10)
        time.sleep(0.5)
        worker.kill()
    return job_id


@pytest.mark.servers
@pytest.mark.parametrize("app", APPS, ids=str)
def test_a_job_survives_its_worker_killed_mid_job(app, served, redis_url, capsys):
    """The machine dies: the message was never acked, so the next worker, started once the visibility
    timeout has passed since the message was delivered, puts it back in the queue and runs it."""
    base_url = served[app.name]
    job_id = kill_mid_job(base_url, redis_url, ROOT)
    killed = time.monotonic()
    assert read(base_url, job_id)["state"] == "STARTED"  # nobody runs it now
    time.sleep(VISIBILITY_TIMEOUT)
    with celery_worker(redis_url):
        job = wait_for(base_url, job_id, {"SUCCESS"}, timeout=RERUN_TIMEOUT)
    took = time.monotonic() - killed
    assert as_sent(job["result"]) == as_sent(result_of(app, 3, 1))  # run again from the start: not a retry
    with capsys.disabled():
        print(f"\n{app}: killed mid-job, done by the next worker {took:.1f} s later")


@pytest.mark.servers
@pytest.mark.parametrize("setting", ["task_acks_late", "visibility_timeout"])
def test_without_the_settings_a_killed_job_is_lost(setting, served, redis_url, tmp_path):
    """The mistake: without late acks the message was acked on delivery and is gone; with Redis's default
    visibility timeout (an hour) it comes back an hour later. Either way no worker runs it now."""
    base_url = served[APPS[0].name]
    project = project_copy(tmp_path, without=setting)
    job_id = kill_mid_job(base_url, redis_url, project)
    time.sleep(VISIBILITY_TIMEOUT)
    with celery_worker(redis_url, project) as worker:
        time.sleep(RERUN_TIMEOUT)
        assert read(base_url, job_id)["state"] == "STARTED"
        assert job_id not in worker.output()


@pytest.mark.servers
@pytest.mark.parametrize(
    ("without", "outcome"), [(None, "SUCCESS"), ("task_reject_on_worker_lost", "FAILURE")], ids=str
)
def test_a_pool_process_killed_mid_job_puts_the_job_back(without, outcome, served, redis_url, tmp_path):
    """The worker lives but the process running the job dies (the kernel's OOM killer, a segfault):
    with task_reject_on_worker_lost the worker puts the message back at once; without it, late acks
    ack it anyway and the job fails with WorkerLostError."""
    base_url = served[APPS[1].name]
    project = project_copy(tmp_path, without=without)
    job_id = send(base_url, {"seconds": 3})
    with celery_worker(redis_url, project) as worker:
        wait_for(base_url, job_id, {"STARTED"}, timeout=10)
        time.sleep(0.5)
        children = worker.children()
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)
        job = wait_for(base_url, job_id, {"SUCCESS", "FAILURE"}, timeout=15)
    assert job["state"] == outcome, job
    if outcome == "FAILURE":
        assert job["error"].startswith("Worker exited prematurely: signal 9 (SIGKILL)"), job


RETRIES_TABLE = read_pipe_table(
    RETRIES, reads=("Failures asked for", "Attempts", "Delays before retries", "Final state", "Took")
)


def seconds_range(cell: str) -> tuple[float, float]:
    low, high = cell.removesuffix(" s").split(" to ")
    return float(low), float(high)


@pytest.mark.servers
@pytest.mark.parametrize("row", RETRIES_TABLE, ids=lambda row: row["Case"])
def test_a_failing_job_is_retried_with_the_backoff_the_table_shows(row, served, redis_url, capsys):
    """Each attempt that raises TransientError is retried after 1 s, then 2 s (retry_backoff=1 doubles
    it, retry_jitter=False keeps it exact); after max_retries=2 retries the job fails for good."""
    base_url = served[APPS[0].name]
    with celery_worker(redis_url) as worker:
        job_id = send(base_url, {"failures": int(row["Failures asked for"])})
        started = time.monotonic()
        job = wait_for(base_url, job_id, {"SUCCESS", "FAILURE"}, timeout=15)
        took = time.monotonic() - started
        lines = [line for line in worker.output().splitlines() if job_id in line]
    attempts = sum(" received" in line for line in lines)
    delays = [match[1] for line in lines if (match := re.search(r"Retry in (\d+)s", line))]
    with capsys.disabled():
        print(f"\n{row['Case']}: {attempts} attempts, delays {delays} s, {job['state']} after {took:.1f} s")
    assert job["state"] == literal(row["Final state"])
    assert attempts == int(row["Attempts"])
    assert ", ".join(f"{delay} s" for delay in delays) == row["Delays before retries"]
    low, high = seconds_range(row["Took"])
    assert low <= took < high, took
    if job["state"] == "SUCCESS":
        assert job["result"] == {"slept": 0, "attempts": attempts}
    else:
        assert job["error"] == f"attempt {attempts} failed"
