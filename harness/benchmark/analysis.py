"""What the benchmark data says, as values: which configurations compare, who was faster, or why no one was.

Everything here reads the data file alone (docs/data/benchmark.json): the
workloads and their waits, the headline concurrency and each framework's
roles (the configuration its docs advise, the one run by accident) are
written there by scripts/bench.py. The report (report.py) turns these values
into sentences and tables; nothing here returns a sentence.

The tie rule: two configurations whose repetitions' ranges overlap are a tie,
and get no ratio; so does a pair where a server failed requests or left
connections unanswered.
"""

import enum
import re
from dataclasses import dataclass

FRAMEWORK = {"fastapi": "FastAPI", "flask": "Flask", "quart": "Quart"}
# The headline compares these two; Quart, the async Flask, is shown beside them where it was measured.
COMPARED = ("fastapi", "flask")


def cpu_count(cpu_list: str) -> int:
    """How many CPUs a taskset list such as "0", "0-3" or "0,2" names."""
    count = 0
    for part in cpu_list.split(","):
        first, _, last = part.partition("-")
        count += int(last or first) - int(first) + 1
    return count


class Kind(enum.Enum):
    """Which configuration of each framework a pairing compares."""

    BEST = "best measured"
    ADVISED = "as its docs advise"


@dataclass(frozen=True)
class Measured:
    """One server's figures for one workload at one concurrency."""

    server: str
    framework: str
    requests_per_second: float
    low: float  # the slowest and fastest repetition
    high: float
    errors: int
    non_2xx: int
    starved: int  # connections a run left unanswered

    def ties(self, other: "Measured") -> bool:
        """The tie rule: their repetitions' ranges overlap."""
        return max(self.low, other.low) <= min(self.high, other.high)


@dataclass(frozen=True)
class Pairing:
    """FastAPI against Flask on one workload, on servers given the same number of cores."""

    workload: str
    kind: Kind
    cores: int
    fastapi: Measured | None  # None: that configuration was not measured
    flask: Measured | None
    candidates: dict[str, int]  # framework -> how many configurations were measured on these cores

    def side(self, framework: str) -> Measured | None:
        return self.fastapi if framework == "fastapi" else self.flask


class NoRatio(enum.Enum):
    """Why a pairing gets no ratio."""

    NOT_MEASURED = enum.auto()
    SOCKET_ERRORS = enum.auto()
    ERRORS_ON_ONE_SIDE = enum.auto()
    NOTHING_COMPLETED = enum.auto()
    STARVED = enum.auto()
    TIE = enum.auto()


@dataclass(frozen=True)
class Verdict:
    """Which framework was faster and by how much, or why no ratio is given (`faster` is then None)."""

    faster: str | None
    ratio: float | None
    no_ratio: NoRatio | None = None
    missing: tuple[str, ...] = ()  # the frameworks not measured, for NOT_MEASURED

    @property
    def slower(self) -> str | None:
        return None if self.faster is None else next(f for f in COMPARED if f != self.faster)


def headline(data: dict) -> int:
    return data["headline_concurrency"]


def title(data: dict, workload: str) -> str:
    return data["workloads"][workload]["title"]


def waits(data: dict, workload: str) -> float | None:
    """The workload's wait in seconds, or None for one that waits on nothing."""
    return data["workloads"][workload]["io_seconds"]


def framework_of(data: dict, server: str) -> str:
    return data["servers"][server]["framework"]


def server_cpus(data: dict, server: str) -> str | None:
    """The CPU list a server was pinned to, read from its recorded command line (taskset), or None."""
    found = re.search(r"\btaskset --cpu-list (\S+)", data["servers"][server]["command"] or "")
    return found.group(1) if found else None


def measured(result: dict, framework: str) -> Measured:
    rates = [rep["requests_per_second"] for rep in result["repetitions"]]
    summary = result["summary"]
    return Measured(
        result["server"],
        framework,
        summary["requests_per_second"],
        min(rates),
        max(rates),
        summary["errors"],
        summary["non_2xx"],
        summary["starved_connections"],
    )


def by_server(data: dict, workload: str, concurrency: int) -> dict[str, list[Measured]]:
    """server -> figures of one workload at one concurrency (a list: the data might repeat a point)."""
    table: dict[str, list[Measured]] = {}
    for result in data["results"]:
        if result["workload"] == workload and result["concurrency"] == concurrency:
            server = result["server"]
            table.setdefault(server, []).append(measured(result, framework_of(data, server)))
    return table


def compared_sides(data: dict, workload: str) -> dict[str, list[Measured]]:
    """Each compared framework's figures at the headline: FastAPI's from `workload`, the other side's
    from the workload that did the same work (`same_work_as`), else from `workload` too."""
    own = by_server(data, workload, headline(data))
    other_workload = data["workloads"][workload]["same_work_as"] or workload
    other = by_server(data, other_workload, headline(data)) if other_workload != workload else own
    sides: dict[str, list[Measured]] = {}
    for framework, source in (("fastapi", own), ("flask", other)):
        for figures in source.values():
            sides.setdefault(framework, []).extend(m for m in figures if m.framework == framework)
    return sides


def pairings(data: dict) -> tuple[list[Pairing], list[tuple[str, str]]]:
    """Each framework's best and docs-advised configuration, per workload and number of server cores.

    Only servers given the same number of cores are paired; a server whose
    command records no CPU pinning is paired with nothing. A workload that only
    FastAPI runs is paired through `same_work_as`, or not at all (FastAPI's
    ways to wait). Returns the pairings and (what, why) for what could not be
    paired.
    """
    found: list[Pairing] = []
    unpaired: list[tuple[str, str]] = []
    advised = data["roles"]["advised"]
    for workload in data["workloads"]:
        sides = compared_sides(data, workload)
        if not sides.get("fastapi"):
            continue
        by_cores: dict[int, dict[str, list[Measured]]] = {}
        for framework, figures in sides.items():
            for m in figures:
                cpus = server_cpus(data, m.server)
                if cpus is None:
                    what = f"{FRAMEWORK[framework]}, {m.server}"
                    unpaired.append((what, "its command records no CPU pinning"))
                    continue
                by_cores.setdefault(cpu_count(cpus), {}).setdefault(framework, []).append(m)
        # A workload only one framework runs (FastAPI's ways to wait) is no comparison to report.
        both = set(COMPARED) <= {framework for found_here in by_cores.values() for framework in found_here}
        for cores, by_framework in sorted(by_cores.items()):
            if set(by_framework) != set(COMPARED):
                if both:
                    only = " and ".join(FRAMEWORK[f] for f in by_framework)
                    unpaired.append((title(data, workload), f"on {cores} core(s), only {only} was measured"))
                continue
            candidates = {f: len(by_framework[f]) for f in COMPARED}
            best = {f: max(by_framework[f], key=lambda m: m.requests_per_second) for f in COMPARED}
            docs = {f: next((m for m in by_framework[f] if m.server == advised[f]), None) for f in COMPARED}
            for kind, chosen in ((Kind.BEST, best), (Kind.ADVISED, docs)):
                found.append(Pairing(workload, kind, cores, chosen["fastapi"], chosen["flask"], candidates))
    return found, unpaired


def verdict(pairing: Pairing) -> Verdict:
    """A ratio only where it means something: both measured, both answering every connection without
    failures, and their ranges apart (the tie rule)."""
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
    if fastapi.starved or flask.starved:
        return Verdict(None, None, NoRatio.STARVED)
    if fastapi.ties(flask):
        return Verdict(None, None, NoRatio.TIE)
    if fastapi.requests_per_second > flask.requests_per_second:
        return Verdict("fastapi", fastapi.requests_per_second / flask.requests_per_second)
    return Verdict("flask", flask.requests_per_second / fastapi.requests_per_second)


def limit_share(data: dict, workload: str, m: Measured, concurrency: int) -> float | None:
    """How close a waiting workload's throughput came to c / wait, the most its connections allow."""
    wait = waits(data, workload)
    return None if wait is None else m.requests_per_second * wait / concurrency


def accident(data: dict, workload: str) -> Measured | None:
    """Flask's accidental configuration (one sync worker) on `workload` at the headline, if measured."""
    server = data["roles"]["accident"].get("flask")
    source = data["workloads"][workload]["same_work_as"] or workload
    figures = by_server(data, source, headline(data)).get(server)
    return figures[0] if figures else None
