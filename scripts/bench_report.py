"""Turn the benchmark data into the Benchmark page's tables and SVG charts.

Reads docs/data/benchmark.json (written by scripts/bench.py) and writes
docs/data/benchmark-report.md, whose sections (summary, headline, details,
method) the page includes, and one SVG chart per swept workload. The headline
compares FastAPI and Flask only on servers given the same number of cores:
each framework's best measured configuration, and each one's common default
(COMMON_DEFAULT, the only hand-picked part). Every figure on the page comes
from here; the tests rebuild these files from the data and fail if the
committed ones differ.

    python -m scripts.bench_report
"""

import argparse
import enum
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from scripts.bench import DATA_FILE, HEADLINE, WORKLOADS, check, cpu_count
from scripts.benchmark.charts import throughput_chart

REPORT = "benchmark-report.md"
FRAMEWORK = {"fastapi": "FastAPI", "flask": "Flask", "quart": "Quart"}
# The headline compares these two; Quart, the async Flask, is shown beside them where it was measured.
COMPARED = ("fastapi", "flask")


def points(data: dict, workload: str) -> dict[str, dict[int, dict]]:
    """server -> concurrency -> summary, for one workload, in the data's order."""
    table: dict[str, dict[int, dict]] = {}
    for result in data["results"]:
        if result["workload"] == workload:
            table.setdefault(result["server"], {})[result["concurrency"]] = result["summary"]
    return table


def shown_server(server: str, framework: str) -> str:
    """A server's name as the page shows it: one that names its framework to stay unique drops it."""
    return server.removesuffix(f" ({FRAMEWORK[framework]})")


def label(data: dict, server: str) -> str:
    framework = data["servers"][server]["framework"]
    return f"{FRAMEWORK[framework]}, {shown_server(server, framework)}"


def rate(value: float) -> str:
    return f"{value:,.0f}"


def percent(value: float) -> str:
    return f"{value:.1%}"


def throughput_table(data: dict, workload: str) -> list[str]:
    table = points(data, workload)
    levels = sorted({c for by_level in table.values() for c in by_level})
    lines = [
        "| Server | " + " | ".join(f"c={c}" for c in levels) + " |",
        "|---|" + "--:|" * len(levels),
    ]
    for server, by_level in table.items():
        cells = [
            f"{rate(by_level[c]['requests_per_second'])} ±{percent(by_level[c]['spread'] / 2)}"
            if c in by_level
            else ""
            for c in levels
        ]
        lines.append(f"| {label(data, server)} | " + " | ".join(cells) + " |")
    return lines


def detail_table(data: dict, workloads: list[str]) -> list[str]:
    lines = [
        "| Workload | Server | c | req/s | spread | p50 ms | p90 ms | p99 ms | errors | non-2xx |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for result in data["results"]:
        if result["workload"] in workloads:
            s = result["summary"]
            latency = s["latency_ms"]
            cells = [
                data["workloads"][result["workload"]],
                label(data, result["server"]),
                str(result["concurrency"]),
                rate(s["requests_per_second"]),
                percent(s["spread"]),
                *(f"{latency[key]:.1f}" for key in ("p50", "p90", "p99")),
                str(s["errors"]),
                str(s["non_2xx"]),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def io_limit_lines(data: dict) -> list[str]:
    wait = data["settings"]["io_wait_seconds"]
    lines = ["| Server | c | req/s | limit (c / wait) | share of the limit |", "|---|--:|--:|--:|--:|"]
    for server, by_level in points(data, "io_wait").items():
        for c, summary in by_level.items():
            limit = c / wait
            lines.append(
                f"| {label(data, server)} | {c} | {rate(summary['requests_per_second'])} | {rate(limit)} "
                f"| {percent(summary['requests_per_second'] / limit)} |"
            )
    return lines


def chart(data: dict, workload: str, limit_per_connection: float | None) -> str:
    """The workload's chart (scripts/benchmark/charts.py): one line per server, in the data's order."""
    series = [
        (
            label(data, server),
            data["servers"][server]["framework"],
            server,
            {c: summary["requests_per_second"] for c, summary in by_level.items()},
        )
        for server, by_level in points(data, workload).items()
    ]
    return throughput_chart(data["workloads"][workload], series, limit_per_connection)


def caption(data: dict, workload: str) -> str:
    """What the chart shows, in one sentence from the data: each framework's best at the headline."""
    best = next((p for p in pairings(data)[0] if p.workload == workload and p.kind == BEST), None)
    finding = f" At {HEADLINE} connections, best against best: {outcome(data, best)}." if best else ""
    return f"Requests per second by concurrent connections, one line per server.{finding}"


def figure(data: dict, workload: str, alt: str) -> list[str]:
    """The chart of `workload` with its caption, as Material shows an image with a caption."""
    return [
        '<figure class="benchmark-chart" markdown="span">',
        f"  ![{alt}](data/{workload}.svg)",
        f"  <figcaption>{caption(data, workload)}</figcaption>",
        "</figure>",
    ]


def remeasured_lines(data: dict) -> list[str]:
    """Which points were measured again because their repetitions disagreed, with the discarded figures."""
    settings = data["settings"]
    redone = [r for r in data["results"] if r["unsteady_attempts"]]
    limit = f"more than {percent(settings['max_spread'])}"
    if not redone:
        return [f"No point needed measuring again (a point is measured again when its spread is {limit})."]
    lines = [
        f"A point whose repetitions disagree by {limit} is measured again, at most "
        f"{settings['attempts']} times in all; the tables show the last measurement. "
        "These points were measured again (req/s of the discarded repetitions):",
        "",
        "| Workload | Server | c | Discarded repetitions | Kept spread |",
        "|---|---|--:|---|--:|",
    ]
    for r in redone:
        discarded = "; ".join(
            ", ".join(rate(rep["requests_per_second"]) for rep in attempt)
            for attempt in r["unsteady_attempts"]
        )
        lines.append(
            f"| {r['workload']} | {r['server']} | {r['concurrency']} | {discarded} "
            f"| {percent(r['summary']['spread'])} |"
        )
    return lines


# ---------------------------------------------------------------- headline: the frameworks on equal cores

# Which measured configuration counts as each framework's "common default": the one hand-picked part of the
# headline, declared here and nowhere else. Everything else (which cores each server ran on, each framework's
# best configuration, the figures, whether a ratio means anything) is computed from the data.
# - FastAPI: uvicorn, the server `fastapi run` starts and FastAPI's deployment docs run
#   (https://fastapi.tiangolo.com/deployment/manually/).
# - Flask: gunicorn, the first server of Flask's deployment docs, which run it with gunicorn's default worker
#   class, sync (https://flask.palletsprojects.com/en/stable/deploying/gunicorn/,
#   https://gunicorn.org/reference/settings/#worker_class).
# - Flask, on a workload that waits on I/O: gunicorn with threads (gthread). Gunicorn's design page says sync
#   workers assume an app that is CPU or network bound and avoids indefinite operations, and that blocking
#   calls benefit from another worker type (https://gunicorn.org/design/#choosing-a-worker-type); gthread,
#   its threaded worker, runs a Flask app unchanged (the greenlet workers may need patches), and it is the
#   one the benchmark measures. Nobody runs one sync worker for I/O-bound work.
COMMON_DEFAULT = {"fastapi": "uvicorn, 1 worker", "flask": "gunicorn sync, 1 worker"}
COMMON_DEFAULT_WAITING = {**COMMON_DEFAULT, "flask": "gunicorn gthread, 1 worker x 8 threads"}
# The workloads whose endpoint waits on I/O, as scripts/bench.py defines them.
WAITING = frozenset(workload.name for workload in WORKLOADS if workload.io_seconds)
BEST, DEFAULT, ONLY = "best measured", "common default", "only configuration measured"
TIMES = "\N{MULTIPLICATION SIGN}"


@dataclass(frozen=True)
class Measured:
    """One server's figures for one workload at the headline concurrency."""

    server: str
    requests_per_second: float
    low: float  # the slowest and fastest repetition
    high: float
    errors: int
    non_2xx: int


@dataclass(frozen=True)
class Pairing:
    """FastAPI against Flask on one workload, on servers given the same number of cores."""

    workload: str
    kind: str  # BEST or DEFAULT
    cores: int
    fastapi: Measured | None  # None: that configuration was not measured
    flask: Measured | None
    candidates: dict[str, int]  # framework -> how many configurations were measured on these cores


def server_cpus(data: dict, server: str) -> str | None:
    """The CPU list a server was pinned to, read from its recorded command line (taskset), or None."""
    found = re.search(r"\btaskset --cpu-list (\S+)", data["servers"][server]["command"] or "")
    return found.group(1) if found else None


def measured_at_headline(data: dict) -> dict[str, dict[str, list[Measured]]]:
    """workload -> server -> figures at the headline concurrency (a list: the data might repeat a point)."""
    table: dict[str, dict[str, list[Measured]]] = {}
    for result in data["results"]:
        if result["concurrency"] == HEADLINE:
            rates = [rep["requests_per_second"] for rep in result["repetitions"]]
            summary = result["summary"]
            figures = Measured(
                result["server"],
                summary["requests_per_second"],
                min(rates),
                max(rates),
                summary["errors"],
                summary["non_2xx"],
            )
            table.setdefault(result["workload"], {}).setdefault(result["server"], []).append(figures)
    return table


def pairings(data: dict) -> tuple[list[Pairing], list[str]]:
    """Each framework's best and common-default configuration, per workload and number of server cores.

    Only servers given the same number of cores are paired; a server whose command records no CPU
    pinning is paired with nothing. Returns the pairings and, in words, what could not be paired.
    """
    found: list[Pairing] = []
    unpaired: list[str] = []
    for workload, by_server in measured_at_headline(data).items():
        by_cores: dict[int, dict[str, list[Measured]]] = {}
        for server, figures in by_server.items():
            framework = data["servers"][server]["framework"]
            if framework not in COMPARED:
                continue
            cpus = server_cpus(data, server)
            if cpus is None:
                unpaired.append(f"{label(data, server)}: its command records no CPU pinning")
                continue
            by_cores.setdefault(cpu_count(cpus), {}).setdefault(framework, []).extend(figures)
        title = data["workloads"][workload]
        both = set(COMPARED) <= {f for by_framework in by_cores.values() for f in by_framework}
        for cores, by_framework in sorted(by_cores.items()):
            if set(by_framework) != set(COMPARED):
                if both:  # a workload only one framework runs (FastAPI's ways to wait) is no comparison
                    only = " and ".join(FRAMEWORK[f] for f in by_framework)
                    unpaired.append(f"{title}: on {plural(cores, 'core')}, only {only} was measured")
                continue
            defaults = COMMON_DEFAULT_WAITING if workload in WAITING else COMMON_DEFAULT
            candidates = {f: len(by_framework[f]) for f in COMPARED}
            best = {f: max(by_framework[f], key=lambda m: m.requests_per_second) for f in COMPARED}
            default = {
                f: next((m for m in by_framework[f] if m.server == defaults[f]), None) for f in COMPARED
            }
            for kind, chosen in ((BEST, best), (DEFAULT, default)):
                found.append(Pairing(workload, kind, cores, chosen["fastapi"], chosen["flask"], candidates))
    return found, unpaired


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class NoRatio(enum.Enum):
    """Why a pairing gets no ratio; each value is how the page says it."""

    NOT_MEASURED = "not measured in this configuration"
    SOCKET_ERRORS = "socket errors or timeouts: the req/s counts only what completed"
    ERRORS_ON_ONE_SIDE = "only one of them answered with errors"
    NOTHING_COMPLETED = "one of them completed no request"
    TIE = "tie: their repetitions' ranges overlap"


@dataclass(frozen=True)
class Verdict:
    """Which framework was faster and by how much, or why no ratio is given (`faster` is then None)."""

    faster: str | None
    ratio: float | None
    no_ratio: NoRatio | None = None
    missing: tuple[str, ...] = ()  # the frameworks not measured, for NOT_MEASURED

    @property
    def reason(self) -> str:
        """Why there is no ratio, in words ("" where there is one)."""
        if self.no_ratio is NoRatio.NOT_MEASURED:
            return f"{' and '.join(FRAMEWORK[f] for f in self.missing)} {self.no_ratio.value}"
        return self.no_ratio.value if self.no_ratio else ""


def verdict(pairing: Pairing) -> Verdict:
    """A ratio only where it means something: both measured, neither failing, and their ranges apart."""
    fastapi, flask = pairing.fastapi, pairing.flask
    if fastapi is None or flask is None:
        missing = tuple(f for f, m in (("fastapi", fastapi), ("flask", flask)) if m is None)
        return Verdict(None, None, NoRatio.NOT_MEASURED, missing)
    if fastapi.errors or flask.errors:
        return Verdict(None, None, NoRatio.SOCKET_ERRORS)
    if bool(fastapi.non_2xx) != bool(flask.non_2xx):
        return Verdict(None, None, NoRatio.ERRORS_ON_ONE_SIDE)
    if min(fastapi.requests_per_second, flask.requests_per_second) <= 0:
        return Verdict(None, None, NoRatio.NOTHING_COMPLETED)
    if max(fastapi.low, flask.low) <= min(fastapi.high, flask.high):
        return Verdict(None, None, NoRatio.TIE)
    if fastapi.requests_per_second > flask.requests_per_second:
        return Verdict("fastapi", fastapi.requests_per_second / flask.requests_per_second)
    return Verdict("flask", flask.requests_per_second / fastapi.requests_per_second)


def times(ratio: float) -> str:
    return f"{ratio:.2f}{TIMES}" if ratio < 10 else f"{ratio:.1f}{TIMES}"


def cell(measured: Measured | None, pairing: Pairing, framework: str) -> str:
    if measured is None:
        return "not measured"
    of = pairing.candidates[framework]
    best_of = f"; best of {of}" if pairing.kind == BEST and of > 1 else ""
    return f"{rate(measured.requests_per_second)} req/s ({measured.server}{best_of})"


def faster_cell(pairing: Pairing) -> str:
    found = verdict(pairing)
    if found.faster is None:
        return found.reason
    return f"{FRAMEWORK[found.faster]}, {times(found.ratio)}"


def same_pair(a: Pairing, b: Pairing) -> bool:
    return a.fastapi == b.fastapi and a.flask == b.flask


def merged(found: list[Pairing]) -> list[tuple[str, Pairing]]:
    """(row label, pairing): a workload's best and common-default rows become one when they are the same."""
    rows: list[tuple[str, Pairing]] = []
    for pairing in found:
        previous = rows[-1][1] if rows else None
        if (
            pairing.kind == DEFAULT
            and previous is not None
            and (previous.workload, previous.cores) == (pairing.workload, pairing.cores)
            and same_pair(previous, pairing)
        ):
            only = all(count == 1 for count in pairing.candidates.values())
            rows[-1] = (f"{ONLY if only else BEST}, also the {DEFAULT}", previous)
        else:
            rows.append((pairing.kind, pairing))
    return rows


def cores_sentence(data: dict, cores: int) -> str:
    """Which CPUs the servers compared on `cores` cores were pinned to, and wrk's."""
    cpus = sorted(
        {
            cpus
            for server in data["servers"]
            if (cpus := server_cpus(data, server)) is not None and cpu_count(cpus) == cores
        }
    )
    where = " or ".join(f"CPU {c}" for c in cpus)
    return (
        f"Servers pinned to {where} ({plural(cores, 'core')}, `taskset`), wrk to CPU "
        f"{data['machine']['wrk_cores']}, {HEADLINE} concurrent connections"
    )


def headline(data: dict) -> list[str]:
    found, unpaired = pairings(data)
    lines: list[str] = []
    for cores in sorted({p.cores for p in found}):
        lines += [
            f"{cores_sentence(data, cores)}:",
            "",
            "| Workload | Configurations compared | FastAPI | Flask | Faster, by |",
            "|---|---|---|---|---|",
        ]
        for row, pairing in merged([p for p in found if p.cores == cores]):
            lines.append(
                f"| {data['workloads'][pairing.workload]} | {row} "
                f"| {cell(pairing.fastapi, pairing, 'fastapi')} | {cell(pairing.flask, pairing, 'flask')} "
                f"| {faster_cell(pairing)} |"
            )
        lines.append("")
    if not found:
        lines += [
            f"No workload was measured for both frameworks at {HEADLINE} connections on equal cores.",
            "",
        ]
    if unpaired:
        lines += ["Not compared (each framework is compared only on as many cores as the other):", ""]
        lines += [f"- {reason}" for reason in unpaired] + [""]
    return lines[:-1] if lines and lines[-1] == "" else lines


def under(framework: str, measured: Measured) -> str:
    return f"{FRAMEWORK[framework]} ({shown_server(measured.server, framework)})"


def limit_share(data: dict, workload: str, measured: Measured) -> float | None:
    """How close a waiting workload's throughput came to c / wait, the most its connections allow."""
    if workload not in WAITING:
        return None
    return measured.requests_per_second * data["settings"]["io_wait_seconds"] / HEADLINE


def outcome(data: dict, pairing: Pairing) -> str:
    """One pairing in words: who was faster, by how much, on which servers, with the figures."""
    found = verdict(pairing)
    if pairing.fastapi is None or pairing.flask is None:
        return found.reason
    both = {"fastapi": pairing.fastapi, "flask": pairing.flask}
    if found.faster is not None:
        slower = "flask" if found.faster == "fastapi" else "fastapi"
        return (
            f"{under(found.faster, both[found.faster])} is {times(found.ratio)} as fast as "
            f"{under(slower, both[slower])}, {rate(both[found.faster].requests_per_second)} against "
            f"{rate(both[slower].requests_per_second)} req/s"
        )
    pair = f"{under('fastapi', pairing.fastapi)} and {under('flask', pairing.flask)}"
    figures = (
        f"{rate(pairing.fastapi.requests_per_second)} and {rate(pairing.flask.requests_per_second)} req/s"
    )
    if found.no_ratio is NoRatio.TIE:
        shares = [limit_share(data, pairing.workload, m) for m in both.values()]
        if None in shares:
            return f"{pair} tie, {figures}"
        wait = data["settings"]["io_wait_seconds"]
        return (
            f"{pair} tie, {figures}: both reach {percent(min(shares))} or more of the "
            f"{rate(HEADLINE / wait)} req/s that {HEADLINE} connections waiting {wait * 1000:.0f} ms allow"
        )
    return f"{pair}: {figures}, no ratio ({found.reason})"


def lead(found: list[Pairing]) -> str:
    """The opening sentence, from who won each comparison (None for no ratio)."""
    winners = {verdict(pairing).faster for pairing in found}
    if len(winners) == 1 and None not in winners:
        return f"On equal cores, {FRAMEWORK[winners.pop()]} is faster in every comparison measured."
    return "On equal cores, which framework is faster depends on the workload and on the server."


def summary(data: dict) -> list[str]:
    """The page's opening: for each workload, which framework is faster on equal cores, by how much, where."""
    found, _ = pairings(data)
    if not found:
        return [f"No workload was measured for both frameworks at {HEADLINE} connections on equal cores."]
    lines: list[str] = []
    for cores in sorted({p.cores for p in found}):
        mine = [p for p in found if p.cores == cores]
        lines += [f"**{lead(mine)}** {cores_sentence(data, cores)}:", ""]
        rows = merged(mine)
        for workload in dict.fromkeys(pairing.workload for _, pairing in rows):
            said = []
            for row, pairing in rows:
                if pairing.workload != workload:
                    continue
                if pairing.kind == DEFAULT:
                    said.append(f"common default against common default, {outcome(data, pairing)}")
                elif row == BEST:
                    said.append(f"best against best, {outcome(data, pairing)}")
                elif row.startswith(ONLY):
                    said.append(f"with the only configuration measured for each, {outcome(data, pairing)}")
                else:
                    said.append(f"best against best, also the common defaults, {outcome(data, pairing)}")
            lines.append(f"- **{data['workloads'][workload]}**: " + "; ".join(said) + ".")
        lines.append("")
    return lines[:-1]


def headline_notes(data: dict) -> list[str]:
    """What counts as a common default, and what one sync worker does on a waiting workload."""
    lines = [
        f"Common default: FastAPI under {COMMON_DEFAULT['fastapi']}; Flask under {COMMON_DEFAULT['flask']} "
        f"(gunicorn's default worker class) or, on workloads that wait on I/O, under "
        f"{COMMON_DEFAULT_WAITING['flask']}. Best measured: each framework's fastest configuration at "
        f"{HEADLINE} connections on those cores. No ratio where the repetitions' ranges overlap (a tie) "
        "or where a server failed requests.",
    ]
    table = measured_at_headline(data)
    sync = COMMON_DEFAULT["flask"]
    for workload in sorted(WAITING & set(table)):
        if sync in table[workload] and sync != COMMON_DEFAULT_WAITING["flask"]:
            figures = table[workload][sync][0]
            lines += [
                "",
                f"Gunicorn's sync worker serves one request at a time: on the {data['workloads'][workload]}, "
                f"Flask under {sync} completes {rate(figures.requests_per_second)} req/s at {HEADLINE} "
                f"connections, {percent(limit_share(data, workload, figures))} of what they allow.",
            ]
    return lines


def database_lines(data: dict) -> list[str]:
    """The database workload's figures, when the data has them (a run from before it was added has not)."""
    if not points(data, "database"):
        return []
    return [
        "",
        "### SQLite queries",
        "",
        f"Each request reads a page of 10 of the {data['settings']['database_items']} items in a SQLite "
        "file: FastAPI awaits an `AsyncSession` over aiosqlite, Flask queries with a synchronous `Session` "
        "([Async databases](topics/async-databases.md)).",
        "",
        *folded(EVERY_POINT, detail_table(data, ["database"])),
    ]


def quart_lines(data: dict) -> list[str]:
    """Quart beside FastAPI on the I/O wait at the headline concurrency: the same event-loop model."""
    table = measured_at_headline(data).get("io_wait", {})
    quart = [
        ("quart", figures[0])
        for server, figures in table.items()
        if data["servers"][server]["framework"] == "quart"
    ]
    fastapi = table.get(COMMON_DEFAULT["fastapi"])
    if not quart or not fastapi:
        return []
    sentences = [
        f"{under(framework, m)} completes {rate(m.requests_per_second)} req/s at {HEADLINE} connections, "
        f"{percent(limit_share(data, 'io_wait', m))} of the limit"
        for framework, m in [*quart, ("fastapi", fastapi[0])]
    ]
    return [
        "",
        "Quart, Flask's API on an event loop "
        "([Quart, and the other choices](async-support.md#quart-and-the-other-choices)), "
        f"awaits the wait as FastAPI does. {'; '.join(sentences)}.",
    ]


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def memory_lines(data: dict) -> list[str]:
    """Each server's worker memory, idle and after the sweep, and all its processes'."""
    entries = data["memory"]
    if not entries:
        return ["No memory was measured in this run."]
    workload = data["workloads"][entries[0]["workload"]]
    top = max(r["concurrency"] for r in data["results"] if r["workload"] == entries[0]["workload"])
    lines = [
        f"Resident set size (RSS), in MiB, of the worker process that served the {workload} sweep: idle "
        f"(started, one request answered) and after the sweep up to {top} connections. The last column "
        "adds the server's other processes (gunicorn's and granian's master, Hypercorn's master and "
        "multiprocessing's resource tracker). Each process counts the pages it shares with others, so "
        "the sum overstates what the machine spends.",
        "",
        "| Server | Processes | Worker, idle | Worker, after the sweep | All processes, after the sweep |",
        "|---|--:|--:|--:|--:|",
    ]
    for entry in entries:
        worker, total = entry["worker_rss_kib"], entry["total_rss_kib"]
        per = f" (mean of {entry['workers']} workers)" if entry["workers"] > 1 else ""
        lines.append(
            f"| {label(data, entry['server'])}{per} | {entry['processes']} | {mib(worker['idle'])} "
            f"| {mib(worker['loaded'])} | {mib(total['loaded'])} |"
        )
    return lines


def waiting_lines(data: dict) -> list[str]:
    """What holding many waiting requests cost each server (scripts/benchmark/waiting.py), if measured."""
    waiting = data.get("waiting")
    if not waiting:
        return ["The waiting-requests workload was not measured in this run."]
    counts = sorted({point["connections"] for point in waiting["points"]})
    lines = [
        f"Each server, one worker on the same core, was sent {' and then '.join(f'{c:,}' for c in counts)} "
        f"requests at once, each answered after {waiting['wait_seconds']:g} s ({waiting['endpoint']}); "
        f"medians of {plural(waiting['repetitions'], 'reading')}. *Held*: the requests it was serving at "
        "once, the rest waited in its queue or were refused. *KiB each* and *Threads each*: what one held "
        "request added to all its processes, read while it held them, against the same server idle.",
        "",
        "| Server | "
        + " | ".join(f"Held of {c:,}" for c in counts)
        + " | KiB each | Threads each | Waiting in 1 GiB |",
        "|---|" + "--:|" * (len(counts) + 3),
    ]
    for server, about in waiting["servers"].items():
        points = {p["connections"]: p for p in waiting["points"] if p["server"] == server}
        most = max(points.values(), key=lambda p: p["held"])
        threads = most["added_threads"] / most["held"] if most["held"] else None
        cells = [
            *(f"{points[c]['held']:,}" if c in points else "" for c in counts),
            f"{most['kib_per_request']:,.1f}" if most["kib_per_request"] is not None else "",
            f"{threads:.2f}" if threads is not None else "",
            f"{most['requests_per_gib']:,}" if most["requests_per_gib"] is not None else "",
        ]
        lines.append(f"| {FRAMEWORK[about['framework']]}, {server} | " + " | ".join(cells) + " |")
    commands = [
        "| Server | Command line (`{module}` is the streaming example's module) |",
        "|---|---|",
        *(f"| {server} | `{about['command']}` |" for server, about in waiting["servers"].items()),
    ]
    limits = [f"- {server}: {about['limit']}" for server, about in waiting["servers"].items()]
    return [*lines, "", "What limits each server:", "", *limits, "", *folded("Command lines", commands)]


def section(name: str, lines: list[str]) -> list[str]:
    """Lines the page includes on their own: a pymdownx.snippets section, `--8<-- "file.md:name"`."""
    return [f"<!-- --8<-- [start:{name}] -->", *lines, f"<!-- --8<-- [end:{name}] -->"]


# Each workload's full table folds under its heading (and chart): a heading
# inside a folded block costs a phone more than the whole table does, since
# Material keeps measuring every heading of the table of contents.
EVERY_POINT = "Every server and concurrency"


def folded(title: str, lines: list[str]) -> list[str]:
    """A collapsed pymdownx.details block holding `lines`."""
    return [f'??? info "{title}"', "", *(f"    {line}" if line else "" for line in lines)]


def report(data: dict) -> dict[str, str]:
    """File name -> content, for every file the page uses."""
    m, settings = data["machine"], data["settings"]
    hello_spread = max(r["summary"]["spread"] for r in data["results"] if r["workload"] == "hello")
    wait_ms = settings["io_wait_seconds"] * 1000
    lines = [
        *section("summary", summary(data)),
        "",
        *section("headline", [*headline(data), "", *headline_notes(data)]),
        "",
        *section(
            "details",
            [
                f"Largest spread between repetitions on the hello workload: {percent(hello_spread)}.",
                "",
                *remeasured_lines(data),
                "",
                "### JSON hello endpoint",
                "",
                *figure(data, "hello", "Hello endpoint throughput by concurrency"),
                "",
                *folded(
                    EVERY_POINT,
                    [
                        "Requests per second by concurrent connections "
                        "(± half the spread between repetitions).",
                        "",
                        *throughput_table(data, "hello"),
                    ],
                ),
                "",
                f"### I/O wait of {wait_ms:.0f} ms",
                "",
                *figure(data, "io_wait", "I/O wait throughput by concurrency, with the theoretical limit"),
                "",
                *folded(EVERY_POINT, throughput_table(data, "io_wait")),
                *quart_lines(data),
                "",
                *folded(
                    "Share of the theoretical limit, for every server and concurrency",
                    [
                        f"With a wait of {wait_ms:.0f} ms per request, c connections can complete at most "
                        "c / wait requests per second:",
                        "",
                        *io_limit_lines(data),
                    ],
                ),
                "",
                "### Validation and FastAPI's three ways to wait",
                "",
                *folded(
                    EVERY_POINT,
                    detail_table(
                        data,
                        [
                            "validation_valid",
                            "validation_invalid",
                            "fastapi_async_def",
                            "fastapi_def",
                            "fastapi_blocking_async_def",
                        ],
                    ),
                ),
                *database_lines(data),
            ],
        ),
        "",
        *section("memory", memory_lines(data)),
        "",
        *section("waiting", waiting_lines(data)),
        "",
        *section(
            "method",
            [
                "### Machine and method",
                "",
                "| CPU | Cores | Server pinned to | wrk pinned to | Python | wrk |",
                "|---|--:|---|---|---|---|",
                f"| {m['cpu_model']} | {m['cores']} | CPU {m['server_cores']} | CPU {m['wrk_cores']} "
                f"| {m['python']} | {m['wrk']} |",
                "",
                f"Each point: {settings['warmup_seconds']} s of warm-up, then {settings['repetitions']} "
                f"runs of {settings['duration_seconds']} s each; data generated {data['generated']}.",
                "",
                *folded(
                    "Package versions and command lines",
                    [
                        "| Package | Version |",
                        "|---|---|",
                        *(f"| {name} | {number} |" for name, number in m["packages"].items()),
                        "",
                        "| Server | Command line (`{module}` is the example's module) |",
                        "|---|---|",
                        *(
                            f"| {name} | `{server['command']}` |"
                            for name, server in data["servers"].items()
                            if server["command"]
                        ),
                    ],
                ),
            ],
        ),
    ]
    files = {REPORT: "\n".join(lines) + "\n", "hello.svg": chart(data, "hello", None)}
    if points(data, "io_wait"):
        files["io_wait.svg"] = chart(data, "io_wait", 1 / settings["io_wait_seconds"])
    return files


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA_FILE, help="benchmark JSON to read")
    parser.add_argument("--out", type=Path, default=DATA_FILE.parent, help="folder for the report and charts")
    args = parser.parse_args(argv)
    try:
        data = json.loads(args.data.read_text())
        check(data)
    except (OSError, ValueError) as error:
        print(f"{args.data}: {error}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in report(data).items():
        (args.out / name).write_text(content)
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
