"""Scripts a contributor runs: `--help` works, a wrong argument is a clear error, a stop stops everything."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.lighthouse import median_run
from harness.processes import process_group, with_default_sigint
from harness.project import ROOT
from harness.servers import HOST, ShownCommand, free_ports, running_servers

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.no_cover]

# Programs, not the modules they share (hooks, helpers).
SCRIPTS = sorted(path for path in (ROOT / "scripts").glob("*.py") if "__main__" in path.read_text())


def run(script, *args):
    """Run a script as the README does: as a module of the `scripts` package, from the root."""
    return subprocess.run(
        [sys.executable, "-m", f"scripts.{Path(script).stem}", *args],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_help(script):
    result = run(script, "--help")
    assert result.returncode == 0
    assert "usage:" in result.stdout


def test_dev_rejects_an_unknown_command_before_installing_anything():
    result = run(ROOT / "scripts" / "dev.py", "deploy")
    assert result.returncode == 2
    assert "invalid choice: 'deploy'" in result.stderr
    assert "Traceback" not in result.stderr


def listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
        return True
    return False


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: signal.Signals(s).name)
@pytest.mark.parametrize(
    ("command", "child"),
    [
        (["serve", "--dev-addr", "127.0.0.1:{port}"], "mkdocs serve"),
        (["test", "{sleeper}", "--no-cov", "-p", "no:cacheprovider"], "-m pytest"),
    ],
    ids=["serve", "test"],
)
def test_stopping_dev_py_stops_what_it_started(tmp_path, command, child, signum):
    """A signal to `scripts/dev.py` reaches mkdocs or pytest: nothing is left running, no port held.

    The signal comes once the child is at work, as a reader's Ctrl-C would: for mkdocs, once it
    serves (a signal sent while it was still starting, on a loaded machine, once left it running).
    """
    sleeper = tmp_path / "test_sleeps.py"
    sleeper.write_text("import time\n\n\ndef test_sleeps():\n    time.sleep(60)\n")
    port = free_ports(1)[0]
    args = [arg.format(port=port, sleeper=sleeper) for arg in command]
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "dev.py"), *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=with_default_sigint,
    )
    try:
        assert wait_until(
            lambda: any(child in each.command for each in process_group(process.pid, zombies=False).values()),
            60,
        ), f"{child} never started"
        if child == "mkdocs serve":
            assert wait_until(lambda: listening(port), 120), "mkdocs serve never listened"
        os.kill(process.pid, signum)  # to dev.py's own process only, as a terminal or CI runner would
        assert wait_until(lambda: not process_group(process.pid, zombies=False), 20), list(
            process_group(process.pid, zombies=False).values()
        )
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def test_lighthouse_reports_the_median_run_and_the_range():
    def run(score):
        return {"scores": {"performance": score}, "blocking_ms": 1000 - score}

    median = median_run([run(90), run(97), run(95)])
    assert median["scores"]["performance"] == 95 and median["blocking_ms"] == 905
    assert median["performance_range"] == [90, 97] and median["runs"] == 3


@pytest.mark.parametrize("runs", ["0", "-1", "two"])
def test_lighthouse_refuses_a_run_count_that_is_not_one_or_more(runs):
    result = run("lighthouse.py", "--runs", runs)
    assert result.returncode == 2
    assert "expected a whole number of runs, 1 or more" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--topic", "nope"], "--topic nope: no folder of snippets/ named 'nope' holds example apps"),
        (["--max-mutants", "0"], "expected a whole number of mutants, 1 or more: '0'"),
        (["--max-mutants", "all"], "expected a whole number of mutants, 1 or more: 'all'"),
    ],
)
def test_mutation_refuses_an_unknown_topic_or_a_count_below_one(args, message):
    result = run("mutation.py", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def ignores_sigint(pid: int) -> bool:
    """Whether a process ignores SIGINT: its bit in SigIgn of /proc/PID/status (proc(5))."""
    status = Path(f"/proc/{pid}/status").read_text()
    ignored = int(re.search(r"^SigIgn:\s*([0-9a-f]+)$", status, re.M).group(1), 16)
    return bool(ignored & (1 << (signal.SIGINT - 1)))


def test_a_server_takes_sigint_even_when_the_run_was_started_ignoring_it():
    """`bash .ci/run &` starts the suite with SIGINT ignored, and children inherit that: a server the
    harness starts gets SIGINT's default back, so a table's SIGINT row stops it as Ctrl-C would."""
    server = ShownCommand(f"python -m http.server 8000 --bind {HOST}")
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with running_servers([server]) as running:
            assert not ignores_sigint(running[server].process.pid)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert ignores_sigint(os.getpid()) is (previous == signal.SIG_IGN)
