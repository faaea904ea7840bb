"""The load generator: wrk pinned to its own cores, its output read into numbers."""

import contextlib
import json
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> dict:
    """Throughput, latency percentiles (ms), errors and non-2xx counts from `wrk --latency` output."""

    def number(pattern: str) -> float:
        match = re.search(pattern, output)
        if match is None:
            raise ValueError(f"wrk output has no match for {pattern!r}:\n{output}")
        return float(match.group(1))

    percentiles = {
        f"p{percent}": round(float(value) * UNITS[unit], 3)
        for percent, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    if set(percentiles) != {"p50", "p90", "p99"}:
        raise ValueError(f"wrk output lacks latency percentiles:\n{output}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_second": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(number(r"(\d+) requests in")),
        "latency_ms": percentiles,
        "errors": sum(int(count) for count in errors.groups()) if errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def run_wrk(url: str, connections: int, seconds: int, cores: str, script: Path | None) -> dict:
    command = ["taskset", "--cpu-list", cores, "wrk", "--threads", "1", "--connections", str(connections)]
    command += ["--duration", f"{seconds}s", "--timeout", "5s", "--latency"]  # wrk takes whole seconds
    command += ["--script", str(script)] if script else []
    result = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True)
    return parse_wrk(result.stdout)


def drain(url: str) -> None:
    """Wait until the server has worked off the requests a finished wrk run left queued.

    A sync worker keeps serving the connections wrk has already dropped; a
    measurement started before that would count the backlog against it.
    One request that gets an answer means the queue ahead of it is empty.
    """
    # Any answer will do: a POST-only endpoint answers GET with 405.
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(url, timeout=120).close()


def post_script(body: str, folder: Path) -> Path:
    script = folder / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return script
