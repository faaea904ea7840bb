"""Slow work that no test needs to steer, done in order in one background thread while the tests run.

The jobs (tests/support/jobs.py) are each a subprocess that keeps a core
busy while this process has nothing to do with it. The lane runs them one
after another on the second core, from the start of the session; the test
that checks one asks for its result and waits only for what is not done yet.
`Background` is what the run shares: the lane, the folders it serves, its
scratch folders; tests get it as the `background` fixture.

Processes started here must not rely on "die with the parent": on Linux that
signal follows the thread that started the process, and this thread ends
before the session does (harness/servers.py starts servers in the main
thread for that reason).
"""

import contextlib
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.processes import descendants, process_group
from harness.site_build import served_folder

if TYPE_CHECKING:
    from .jobs import BackgroundJob


@dataclass
class Job:
    name: Hashable  # what the lane knows it by: a BackgroundJob, or any key
    work: Callable[[], Any]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as error:  # handed to the test that asks for the result
            self.error = error
        finally:
            self.done.set()


class Lane:
    """One thread that runs queued jobs in the order they came."""

    def __init__(self):
        self._jobs: dict[Hashable, Job] = {}
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="background lane", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            job.run()

    def submit(self, name: Hashable, work: Callable[[], Any]) -> None:
        self._jobs[name] = job = Job(name, work)
        self._queue.put(job)

    def queued(self, name: Hashable) -> bool:
        return name in self._jobs

    def result(self, name: Hashable, timeout: float = 900) -> Any:
        """The job's result once it is done; its exception, raised here, if it failed."""
        job = self._jobs[name]
        if not job.done.wait(timeout):
            raise TimeoutError(f"background job {str(name)!r} did not finish in {timeout:.0f} s")
        if job.error is not None:
            raise job.error
        return job.result

    def wait_until_idle(self, timeout: float = 900) -> None:
        for job in list(self._jobs.values()):
            job.done.wait(timeout)

    def close(self, grace: float = 5) -> None:
        """Drop the jobs not started, stop the processes of the one running, then end the thread.

        A job's processes are this process's children in its own process
        group (servers get groups of their own, so they are not touched); each
        is sent SIGTERM, and SIGKILL with its descendants after `grace` seconds.
        """
        while True:
            try:
                dropped = self._queue.get_nowait()
            except queue.Empty:
                break
            if dropped is not None:
                dropped.error = RuntimeError(f"background job {str(dropped.name)!r} was cancelled")
                dropped.done.set()
        self._queue.put(None)
        if self._thread.is_alive() and any(not job.done.is_set() for job in self._jobs.values()):
            stop_children_in_my_group(grace)
        self._thread.join(grace * 4)


class Background:
    """What the run shares: the lane of background jobs, the folders it serves, its scratch folders.

    Folders are served from the main thread (a server started from the lane's
    thread would be stopped when that thread ends), so a job is set up where
    it is queued and only its work goes to the lane.
    """

    def __init__(self, build_environment: dict[str, str]):
        self.build_environment = build_environment  # what the site builds run with
        self.lane = Lane()
        self._stack = contextlib.ExitStack()
        self._scratch: list[Path] = []

    def scratch(self, prefix: str) -> Path:
        folder = Path(tempfile.mkdtemp(prefix=prefix))
        self._scratch.append(folder)
        return folder

    def serve(self, root: Path, subpath: str = "") -> str:
        """Serve `root` until the run ends; the address of `root/subpath`."""
        return self._stack.enter_context(served_folder(root, subpath))

    def queue(self, *jobs: "BackgroundJob") -> None:
        """Queue each job not queued yet, after the jobs it needs."""
        for job in jobs:
            if not self.lane.queued(job):
                self.queue(*job.after)
                self.lane.submit(job, job.set_up(self))

    def result(self, job: "BackgroundJob") -> Any:
        """The job's result, queued now if this run had not (a subset of the suite), waited for."""
        self.queue(job)
        return self.lane.result(job)

    def wait_until_idle(self) -> None:
        self.lane.wait_until_idle()

    def close(self) -> None:
        # Jobs not started are dropped and a running one is stopped (a run
        # that ends early, by Ctrl-C, SIGTERM or -x, must not leave them going).
        self.lane.close()
        self._stack.close()
        for folder in self._scratch:
            shutil.rmtree(folder, ignore_errors=True)


def stop_children_in_my_group(grace: float) -> None:
    me, group = os.getpid(), os.getpgrp()
    children = [each.pid for each in process_group(group, zombies=False).values() if each.parent == me]
    tree = {pid: descendants(pid) for pid in children}
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in children):
        time.sleep(0.1)
    for pid in [pid for child, below in tree.items() for pid in (child, *below)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
