"""The reader's command of a throwaway service (`python -m scripts.postgres`, `python -m scripts.redis`),
run as a reader runs it: what tests/test_postgres.py and tests/test_redis.py both check of it."""

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from harness.project import ROOT


def check_the_readers_command(script: str, port: int, first_line: str, left_behind: Callable[[Path], list]):
    """`python -m scripts.<script> --port PORT` prints `first_line`, then where the service runs; the
    service is up (`left_behind(folder)` lists its processes); Ctrl-C stops it and leaves nothing."""
    command = [sys.executable, "-m", f"scripts.{script}", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == first_line
        folder = Path(process.stdout.readline().split(" running in ")[1].split(";")[0])
        assert left_behind(folder)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0, process.stderr.read()
    finally:
        # Even after a failed check the command stops its service itself (SIGKILL would leave the
        # daemonized server running); SIGKILL only if it does not stop.
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert left_behind(folder) == []
    assert not folder.exists()


def check_a_port_out_of_range_is_refused(script: str):
    result = subprocess.run(
        [sys.executable, "-m", f"scripts.{script}", "--port", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--port 0: a port is 1 to 65535" in result.stderr
