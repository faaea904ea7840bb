"""Slow work that no test needs to steer, done in order in one background thread while the tests run.

The site build, the Lighthouse audits, the Zensical build and the scaffold's
run in a copy are each a subprocess that keeps a core busy for seconds while
this process has nothing to do with it. The lane runs them one after another
on the second core, from the start of the session; the test that checks one
asks for its result and waits only for what is not done yet. A test run that
did not queue a job (a subset) runs it where it is asked for.

Processes started here must not rely on "die with the parent": on Linux that
signal follows the thread that started the process, and this thread ends
before the session does (scripts/local_servers.py starts servers in the main
thread for that reason).
"""

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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

    def close(self, timeout: float = 900) -> None:
        """Let queued jobs finish (their processes must not outlive the session), then end the thread."""
        self._queue.put(None)
        self._thread.join(timeout)
