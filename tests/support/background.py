"""Slow work that no test needs to steer, done in order in one background thread while the tests run.

The site build, the Lighthouse audits, the Zensical build and the scaffold's
run in a copy are each a subprocess that keeps a core busy for seconds while
this process has nothing to do with it. The lane runs them one after another
on the second core, from the start of the session; the test that checks one
asks for its result and waits only for what is not done yet. A test run that
did not queue a job (a subset) runs it where it is asked for.

Processes started here must not rely on "die with the parent": on Linux that
signal follows the thread that started the process, and this thread ends
before the session does (harness/servers.py starts servers in the main
thread for that reason).
"""

import contextlib
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.processes import descendants, process_group


@dataclass
class Job:
    name: str
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
        self._jobs: dict[str, Job] = {}
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="background lane", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            job.run()

    def submit(self, name: str, work: Callable[[], Any]) -> None:
        self._jobs[name] = job = Job(name, work)
        self._queue.put(job)

    def queued(self, name: str) -> bool:
        return name in self._jobs

    def result(self, name: str, timeout: float = 900) -> Any:
        """The job's result once it is done; its exception, raised here, if it failed."""
        job = self._jobs[name]
        if not job.done.wait(timeout):
            raise TimeoutError(f"background job {name!r} did not finish in {timeout:.0f} s")
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
                dropped.error = RuntimeError(f"background job {dropped.name!r} was cancelled")
                dropped.done.set()
        self._queue.put(None)
        if self._thread.is_alive() and any(not job.done.is_set() for job in self._jobs.values()):
            stop_children_in_my_group(grace)
        self._thread.join(grace * 4)


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
