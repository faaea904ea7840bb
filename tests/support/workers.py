"""Queue workers and the web apps that send them jobs, on a throwaway Redis: what test_queues.py and
test_rq_queues.py share.

A worker runs in a session of its own and carries a marker in its environment, so
that every process it starts is found and killed however the test ends, even one
that left its process group: RQ's work horse calls setpgrp(), and a SIGKILL to the
worker's group leaves it running its job. (If the test process itself is killed
with SIGKILL, the worker gets SIGTERM, harness/servers.py's prepare_child, and
stops as it does on SIGTERM: RQ lets a running job finish first.)
"""

import contextlib
import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import httpx2

from harness.apps import SnippetApp
from harness.processes import processes, processes_with
from harness.project import ROOT
from harness.servers import Server, prepare_child, running_servers

READY_TIMEOUT = 30  # seconds for a worker to say it is ready; about 1 s here
MARKER = "TEST_WORKER_MARKER"


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path
    marker: str

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def processes(self) -> list[int]:
        """The worker and every process it started that is still running (not a zombie): those that
        carry its marker, and, should a process ever rewrite its environment, its descendants."""
        running = {each.pid: each for each in processes() if not each.zombie}
        found = {pid for pid in processes_with(f"{MARKER}={self.marker}") if pid in running}
        found |= {self.process.pid} & running.keys()
        while grown := {pid for pid, each in running.items() if each.parent in found} - found:
            found |= grown
        return sorted(found, key=lambda pid: pid != self.process.pid)  # the worker first: it forks no more

    def children(self) -> list[int]:
        """The worker's running child processes: Celery's pool process, RQ's work horse and scheduler."""
        return [each.pid for each in processes() if each.parent == self.process.pid and not each.zombie]

    def kill(self) -> None:
        """SIGKILL to every process of the worker, as when its machine dies, until none is left (one
        forked meanwhile is found on the next round); returns once they are gone, or after 10 s."""
        deadline = time.monotonic() + 10
        while (left := self.processes()) and time.monotonic() < deadline:
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            if self.process.pid in left:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=5)  # reap it, or it stays a zombie that is not gone
            time.sleep(0.05)


@contextlib.contextmanager
def running_worker(command: list[str], ready: str, env: dict[str, str], cwd: Path = ROOT) -> Iterator[Worker]:
    """`command` in a session of its own, with `env` added, ready once its output holds `ready`;
    all its processes are killed however the block ends (a test may have killed them already)."""
    folder = Path(tempfile.mkdtemp(prefix="queue-worker-"))
    log = folder / "worker.log"
    marker = uuid4().hex
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **env, MARKER: marker, "PYTHONUNBUFFERED": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=prepare_child,  # SIGTERM to the worker if this process dies, even by SIGKILL
        )
    worker = Worker(process, log, marker)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while ready not in worker.output():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start in {READY_TIMEOUT} s:\n{worker.output()}")
            time.sleep(0.05)
        yield worker
    finally:
        worker.kill()
        with contextlib.suppress(OSError):
            log.unlink()
        with contextlib.suppress(OSError):
            folder.rmdir()
    assert worker.processes() == [], "a worker process outlived its SIGKILL"


@contextlib.contextmanager
def serving_on_redis(apps, redis_url: str) -> Iterator[dict[str, str]]:
    """Each app's base URL under its production server, with QUEUES_REDIS_URL set to `redis_url`."""
    servers = {app.name: Server(app, env={"QUEUES_REDIS_URL": redis_url}) for app in apps}
    with running_servers(list(servers.values())) as running:
        yield {name: running[server].base_url for name, server in servers.items()}


def send(base_url: str, body: dict) -> str:
    """POST /jobs; the new job's id."""
    answer = httpx2.post(f"{base_url}/jobs", json=body, timeout=10)
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


def read(base_url: str, job_id: str) -> dict:
    answer = httpx2.get(f"{base_url}/jobs/{job_id}", timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def result_of(app: SnippetApp, seconds: int, attempts: int) -> dict:
    """The result each app shows: FastAPI's model makes `seconds` a float, so it answers 3.0 for 3."""
    return {"slept": float(seconds) if app.framework == "fastapi" else seconds, "attempts": attempts}


def as_sent(value) -> str:
    """JSON as it goes over the wire, where 1 and 1.0 differ (in Python they are equal)."""
    return json.dumps(value, sort_keys=True)


def wait_for(base_url: str, job_id: str, wanted: set[str], timeout: float) -> dict:
    """The job once its state is one of `wanted`; fails after `timeout` seconds with the last state."""
    deadline = time.monotonic() + timeout
    while True:
        job = read(base_url, job_id)
        if job["state"] in wanted or time.monotonic() > deadline:
            assert job["state"] in wanted, f"after {timeout} s: {job}"
            return job
        time.sleep(0.05)


def check_a_waiting_job_runs_once_a_worker_starts(
    app: SnippetApp,
    base_url: str,
    start_worker: Callable[[], AbstractContextManager],
    states: tuple[str, str, str],
) -> None:
    """What the queue pages show: a 1-second job sent while no worker runs waits in Redis (the first
    of `states`, the queue library's names for waiting, running and done), a worker started then runs
    it, and the app reads back its result."""
    waiting, running, done = states
    job_id = send(base_url, {"seconds": 1})
    time.sleep(0.5)  # no worker yet: the job waits in Redis
    assert read(base_url, job_id) == {"id": job_id, "state": waiting}
    with start_worker():
        assert wait_for(base_url, job_id, {running, done}, timeout=10)["state"] == running
        job = wait_for(base_url, job_id, {done}, timeout=10)
    assert as_sent(job) == as_sent({"id": job_id, "state": done, "result": result_of(app, 1, 1)})
