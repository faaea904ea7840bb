"""Benchmark data made up for tests: results whose answer is known, in the shape the schema requires."""

from harness.benchmark import data as benchmark_data
from harness.benchmark import measure, workloads


def point(
    workload: str,
    server: str,
    framework: str,
    cpus: str | None,
    *rates: float,
    errors: int = 0,
    requests: int = 10_000,
    concurrency: int = workloads.HEADLINE,
) -> dict:
    """A result at the headline concurrency, its server pinned to `cpus` (None: not pinned)."""
    command = "server {module}:app"
    repetitions = [
        {
            "requests_per_second": rate,
            "requests": requests,
            "latency_ms": {"p50": 1.0, "p90": 2.0, "p99": 3.0},
            "errors": errors,
            "non_2xx": 0,
        }
        for rate in rates
    ]
    return {
        "workload": workload,
        "server": server,
        "framework": framework,
        "command": f"taskset --cpu-list {cpus} {command}" if cpus else command,
        "concurrency": concurrency,
        "repetitions": repetitions,
        "summary": measure.summarize(repetitions, concurrency),
        "steady": True,
        "discarded_attempts": [],
    }


def synthetic(*points: dict) -> dict:
    """Benchmark data that passes the schema check, made of `points`."""
    servers = {p["server"]: {"framework": p["framework"], "command": p["command"]} for p in points}
    for role in workloads.ROLES.values():
        for framework, server in role.items():
            servers.setdefault(server, {"framework": framework, "command": None})
    data = {
        "schema_version": benchmark_data.SCHEMA_VERSION,
        "generated": "2026-12-04T00:00:00+00:00",
        "quick": True,
        "machine": {
            "cpu_model": "test",
            "cores": 2,
            "python": "3.11",
            "packages": {},
            "server_cores": "0",
            "wrk_cores": "1",
            "wrk": "wrk 4.2.0",
        },
        "settings": {
            "duration_seconds": 3,
            "warmup_seconds": 1,
            "repetitions": 3,
            "max_spread": 0.1,
            "attempts": 2,
        },
        "cpu_spread": [0.02, 0.03],
        "headline_concurrency": workloads.HEADLINE,
        "roles": workloads.ROLES,
        "role_sources": workloads.ROLE_SOURCES,
        "workloads": {workload.name: workload.describe() for workload in workloads.WORKLOADS},
        "servers": servers,
        "results": [{key: value for key, value in p.items() if key != "command"} for p in points],
        "memory": [],
    }
    benchmark_data.check(data)
    return data
