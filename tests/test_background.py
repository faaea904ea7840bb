"""The background lane (tests/support/background.py) stops what it started when a run ends early.

Run in a subprocess of its own: stopping a lane stops the children in its
process group, which here would include this run's own site build.
"""

import subprocess
import sys
import threading
import uuid

import pytest

from harness.processes import processes_with
from harness.project import ROOT, TESTS
from support.background import Background
from support.jobs import BackgroundJob

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover

SCRIPT = """
import subprocess, sys, time
sys.path[:0] = [{tests!r}]
from support.background import Lane

lane = Lane()
lane.submit("long", lambda: subprocess.run([sys.executable, "-c", "import time; time.sleep(60)", {marker!r}]))
lane.submit("never", lambda: "ran")
time.sleep(0.8)  # the long job's process is running
started = time.monotonic()
lane.close(grace=2)
print(f"closed in {{time.monotonic() - started:.1f}} s")
try:
    lane.result("never", timeout=1)
except RuntimeError as error:
    print(error)
"""


def test_closing_the_lane_stops_the_running_job_and_drops_the_rest():
    marker = f"lane-test-{uuid.uuid4()}"
    script = SCRIPT.format(tests=str(TESTS), marker=marker)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,
    )
    assert result.returncode == 0, result.stderr
    assert "background job 'never' was cancelled" in result.stdout
    seconds = float(result.stdout.split("closed in ", 1)[1].split(" s", 1)[0])
    assert seconds < 10, result.stdout
    assert processes_with(marker) == []


def test_a_job_is_queued_once_after_the_jobs_it_needs_and_on_demand():
    """Asking for a job's result queues it, and the jobs it needs first, once each; set-up runs in
    the asking thread, the work on the lane."""
    set_up_in, order = [], []

    def job(name: str, after=()) -> BackgroundJob:
        def set_up(_background):
            set_up_in.append((name, threading.current_thread().name))
            return lambda: order.append((name, threading.current_thread().name)) or name

        return BackgroundJob(name, set_up, after)

    build = job("build")
    audits = job("audits", after=(build,))
    background = Background(build_environment={})
    try:
        assert background.result(audits) == "audits"
        background.queue(build, audits)  # both queued already: nothing runs twice
        assert background.result(build) == "build"
    finally:
        background.close()
    me = threading.current_thread().name
    assert set_up_in == [("build", me), ("audits", me)]
    assert order == [("build", "background lane"), ("audits", "background lane")]
