"""The Benchmark page's tables, sentences and charts, from the benchmark data alone.

analysis.py says who was faster, or why no ratio is given, as values; this
module turns them into the words and cells the page shows, and
report.md.j2 lays them out: one template for the whole Markdown file, whose
sections (`--8<-- "benchmark-report.md:<name>"`) the page includes.
"""

import argparse
import re
import sys
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from harness.benchmark.analysis import (
    FRAMEWORK,
    Kind,
    Measured,
    NoRatio,
    Pairing,
    accident,
    by_server,
    cpu_count,
    framework_of,
    headline,
    limit_share,
    pairings,
    server_cpus,
    title,
    verdict,
    waits,
)
from harness.benchmark.charts import throughput_chart
from harness.benchmark.data import DATA_FILE, load

REPORT = "benchmark-report.md"
TEMPLATE = "report.md.j2"
TIMES = "\N{MULTIPLICATION SIGN}"
# Why a pairing gets no ratio, as the page says it.
NO_RATIO = {
    NoRatio.NOT_MEASURED: "not measured in this configuration",
    NoRatio.SOCKET_ERRORS: "socket errors or timeouts: the req/s counts only what completed",
    NoRatio.ERRORS_ON_ONE_SIDE: "only one of them answered with errors",
    NoRatio.NOTHING_COMPLETED: "one of them completed no request",
    NoRatio.STARVED: "a server left connections unanswered",
    NoRatio.TIE: "a tie: their runs' ranges overlap",
}
# The title of a workload's folded table of every point; a heading inside a folded block costs a
# phone more than the whole table does (Material measures every heading of the table of contents).
EVERY_POINT = "Every server and concurrency"


def rate(value: float) -> str:
    return f"{value:,.0f}"


def percent(value: float) -> str:
    return f"{value:.1%}"


def times(ratio: float) -> str:
    return f"{ratio:.2f}{TIMES}" if ratio < 10 else f"{ratio:.1f}{TIMES}"


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def shown_server(server: str, framework: str) -> str:
    """A server's name as the page shows it: one that names its framework to stay unique drops it."""
    return server.removesuffix(f" ({FRAMEWORK[framework]})")


def label(data: dict, server: str) -> str:
    framework = framework_of(data, server)
    return f"{FRAMEWORK[framework]}, {shown_server(server, framework)}"


def under(m: Measured, variant: str | None = None) -> str:
    """A configuration as a sentence names it: the framework, its server, and for FastAPI where a workload
    has two, how the endpoint is declared."""
    return f"{FRAMEWORK[m.framework]} ({configuration(m, variant)})"


def configuration(m: Measured, variant: str | None = None) -> str:
    declared = f", {variant}" if variant and m.framework == "fastapi" else ""
    return f"{shown_server(m.server, m.framework)}{declared}"


def variant(data: dict, workload: str) -> str | None:
    return data["workloads"][workload]["variant"]


def reason(pairing: Pairing) -> str:
    found = verdict(pairing)
    if found.no_ratio is NoRatio.NOT_MEASURED:
        return f"{' and '.join(FRAMEWORK[f] for f in found.missing)} {NO_RATIO[found.no_ratio]}"
    return NO_RATIO[found.no_ratio] if found.no_ratio else ""


def throughput(m: Measured, concurrency: int) -> str:
    """A figure, or the connections it left unanswered where it starved some."""
    if m.starved:
        return f"{m.starved} of {concurrency} connections unanswered"
    return f"{rate(m.requests_per_second)} req/s"


def outcome(data: dict, pairing: Pairing) -> str:
    """One pairing in words: who was faster, by how much, on which servers, with the figures."""
    found = verdict(pairing)
    if pairing.fastapi is None or pairing.flask is None:
        return reason(pairing)
    c = headline(data)
    declared = variant(data, pairing.workload)
    if found.faster is not None:
        fast, slow = pairing.side(found.faster), pairing.side(found.slower)
        return (
            f"{under(fast, declared)} is {times(found.ratio)} as fast as {under(slow, declared)}, "
            f"{rate(fast.requests_per_second)} against {rate(slow.requests_per_second)} req/s"
        )
    pair = f"{under(pairing.fastapi, declared)} and {under(pairing.flask)}"
    if found.no_ratio is NoRatio.STARVED:
        return (
            f"{under(pairing.fastapi, declared)}: {throughput(pairing.fastapi, c)}; {under(pairing.flask)}: "
            f"{throughput(pairing.flask, c)}; no ratio ({reason(pairing)})"
        )
    figures = " and ".join(rate(m.requests_per_second) for m in (pairing.fastapi, pairing.flask)) + " req/s"
    if found.no_ratio is NoRatio.TIE:
        shares = [limit_share(data, pairing.workload, m, c) for m in (pairing.fastapi, pairing.flask)]
        if None in shares:
            return f"{pair} tie, {figures}"
        wait = waits(data, pairing.workload)
        return (
            f"{pair} tie, {figures}: both reach {percent(min(shares))} or more of the "
            f"{rate(c / wait)} req/s that {c} connections waiting {wait * 1000:.0f} ms allow"
        )
    return f"{pair}: {figures}, no ratio ({reason(pairing)})"


def cell(pairing: Pairing, framework: str, concurrency: int, declared: str | None) -> str:
    m = pairing.side(framework)
    if m is None:
        return "not measured"
    of = pairing.candidates[framework]
    best_of = f"; best of {of}" if pairing.kind is Kind.BEST and of > 1 else ""
    return f"{throughput(m, concurrency)} ({configuration(m, declared)}{best_of})"


def faster_cell(pairing: Pairing) -> str:
    found = verdict(pairing)
    return reason(pairing) if found.faster is None else f"{FRAMEWORK[found.faster]}, {times(found.ratio)}"


def rows(data: dict, found: list[Pairing]) -> list[dict]:
    """The headline table's rows; a workload's best and advised rows become one when they are the same."""
    table: list[dict] = []
    c = headline(data)
    for pairing in found:
        row = {
            "workload": title(data, pairing.workload),
            "compared": pairing.kind.value,
            "fastapi": cell(pairing, "fastapi", c, variant(data, pairing.workload)),
            "flask": cell(pairing, "flask", c, None),
            "faster": faster_cell(pairing),
            "pairing": pairing,
        }
        previous = table[-1]["pairing"] if table else None
        if (
            pairing.kind is Kind.ADVISED
            and previous is not None
            and (previous.workload, previous.cores) == (pairing.workload, pairing.cores)
            and (previous.fastapi, previous.flask) == (pairing.fastapi, pairing.flask)
        ):
            table[-1]["compared"] = f"{Kind.BEST.value}, also {Kind.ADVISED.value}"
        else:
            table.append(row)
    return table


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
        f"{data['machine']['wrk_cores']}, {headline(data)} concurrent connections"
    )


def headline_groups(data: dict) -> list[dict]:
    found, _ = pairings(data)
    return [
        {"sentence": cores_sentence(data, cores), "rows": rows(data, [p for p in found if p.cores == cores])}
        for cores in sorted({p.cores for p in found})
    ]


def accident_rows(data: dict) -> list[dict]:
    """Flask under one sync worker, per workload measured so: the configuration run by accident."""
    c = headline(data)
    found = []
    for workload, about in data["workloads"].items():
        if about["same_work_as"] is None and (m := accident(data, workload)) is not None:
            found.append({"workload": title(data, workload), "figure": throughput(m, c)})
    return found


def role_lines(data: dict) -> list[str]:
    """Each framework's configurations as its docs advise and by accident, named with their sources."""
    roles, sources = data["roles"], data["role_sources"]
    return [
        f"[{FRAMEWORK[framework]}'s docs]({sources[framework]}): {server}"
        for framework, server in roles["advised"].items()
    ]


# ---------------------------------------------------------------- every point


def result_cells(data: dict, result: dict) -> list[str]:
    s, c = result["summary"], result["concurrency"]
    latency = s["latency_ms"]
    if s["starved_connections"]:
        figures = [f"{s['starved_connections']} of {c} unanswered", "", "", "", ""]
    else:
        figures = [
            rate(s["requests_per_second"]),
            percent(s["spread"]),
            *(f"{latency[key]:.1f}" for key in ("p50", "p90", "p99")),
        ]
    return [
        title(data, result["workload"]),
        label(data, result["server"]),
        str(c),
        *figures,
        str(s["errors"]),
        str(s["non_2xx"]),
    ]


def swept_table(data: dict, workload: str) -> dict:
    """server label -> cells by concurrency, for a workload swept over connections."""
    table: dict[str, dict[int, str]] = {}
    for result in data["results"]:
        if result["workload"] == workload:
            s, c = result["summary"], result["concurrency"]
            figure = (
                f"{s['starved_connections']} unanswered"
                if s["starved_connections"]
                else f"{rate(s['requests_per_second'])} ±{percent(s['spread'] / 2)}"
            )
            table.setdefault(label(data, result["server"]), {})[c] = figure
    levels = sorted({c for by_level in table.values() for c in by_level})
    return {"levels": levels, "rows": [[name, *(t.get(c, "") for c in levels)] for name, t in table.items()]}


def limit_rows(data: dict, workload: str) -> list[list[str]]:
    wait = waits(data, workload)
    found = []
    for result in data["results"]:
        if result["workload"] == workload:
            c, s = result["concurrency"], result["summary"]
            found.append(
                [
                    label(data, result["server"]),
                    str(c),
                    rate(s["requests_per_second"]),
                    rate(c / wait),
                    percent(s["requests_per_second"] * wait / c),
                ]
            )
    return found


# ---------------------------------------------------------------- charts


def chart_series(data: dict, workload: str) -> list[tuple[str, str, str, dict[int, float]]]:
    """The lines of a workload's chart: each framework as its docs advise and at its best (at the
    headline), Flask's accidental one sync worker, FastAPI's other declaration (same_work_as), and
    Quart's best. Every other server is in the table below the chart."""
    levels = {r["concurrency"] for r in data["results"] if r["workload"] == workload}
    c = headline(data) if headline(data) in levels else max(levels)  # a quick run measures fewer
    sources = [workload, *(w for w, about in data["workloads"].items() if about["same_work_as"] == workload)]
    chosen: list[tuple[str, str]] = []
    for source in sources:
        # From FastAPI's second declaration, only FastAPI's lines: the others did that work in `workload`.
        drawn = {
            server: figures[0]
            for server, figures in by_server(data, source, c).items()
            if source == workload or figures[0].framework == "fastapi"
        }
        for role in ("advised", "accident"):
            chosen += [(source, server) for server in data["roles"][role].values() if server in drawn]
        best: dict[str, str] = {}
        for server, m in sorted(drawn.items(), key=lambda item: item[1].requests_per_second):
            best[m.framework] = server  # the fastest comes last
        chosen += [(source, server) for server in best.values()]
    series = []
    for source, server in dict.fromkeys(chosen):
        by_level = {
            r["concurrency"]: r["summary"]["requests_per_second"]
            for r in data["results"]
            if r["workload"] == source and r["server"] == server
        }
        framework = framework_of(data, server)
        variant = data["workloads"][source]["variant"]
        name = f"FastAPI {variant}, {server}" if framework == "fastapi" and variant else label(data, server)
        series.append((name, framework, server, by_level))
    order = {"fastapi": 0, "flask": 1, "quart": 2}
    return sorted(series, key=lambda line: order[line[1]])


# The chart the Benchmark page opens with; every other chart stands on Benchmark measurements, above
# the table of every server it draws from (report.md.j2).
LEAD = "io_wait"


def where_every_server(workload: str) -> str:
    return "on Benchmark measurements" if workload == LEAD else "in the folded table below"


def caption(data: dict, workload: str) -> str:
    """What the chart shows, and what it finds, from the data."""
    found, _ = pairings(data)
    said = [
        f"{'best against best' if p.kind is Kind.BEST else 'as their docs advise'}: {outcome(data, p)}"
        for p in found
        if p.workload == workload
    ]
    finding = f" At {headline(data)} connections, " + "; ".join(said) + "." if said else ""
    return (
        "Requests per second by concurrent connections: each framework as its docs advise and at its best, "
        f"and Flask's one sync worker; every server is {where_every_server(workload)}.{finding}"
    )


def chart(data: dict, workload: str) -> str:
    wait = waits(data, workload)
    return throughput_chart(title(data, workload), chart_series(data, workload), 1 / wait if wait else None)


def charted(data: dict) -> list[str]:
    """The swept workloads that were measured, each with a chart (FastAPI's second declaration joins
    the chart of the workload it did the same work as)."""
    measured = {r["workload"] for r in data["results"]}
    return [
        w
        for w, about in data["workloads"].items()
        if about["swept"] and about["same_work_as"] is None and w in measured
    ]


# ---------------------------------------------------------------- the page


def size(svg: str) -> tuple[int, int]:
    """A chart's width and height in CSS pixels, from its viewBox (points): given to its <img>, they let the
    browser hold the chart's room before the file arrives, so nothing below it moves."""
    found = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    if found is None:
        raise ValueError("the chart has no viewBox")
    return tuple(round(float(points) * 4 / 3) for points in found.groups())


def context(data: dict, sizes: dict[str, tuple[int, int]]) -> dict:
    """Everything the template shows, computed here so the template only lays it out."""
    settings = data["settings"]
    results = data["results"]
    redone = [r for r in results if r["discarded_attempts"]]
    unsteady = [r for r in results if not r["steady"]]
    return {
        "data": data,
        "headline": headline(data),
        "groups": headline_groups(data),
        "unpaired": pairings(data)[1],
        "roles": role_lines(data),
        "accident": data["roles"]["accident"].get("flask"),
        "accident_rows": accident_rows(data),
        "charts": {
            w: {"caption": caption(data, w), "title": title(data, w), "width": width, "height": height}
            for w, (width, height) in sizes.items()
        },
        "swept": {w: swept_table(data, w) for w in charted(data)},
        "limits": {w: limit_rows(data, w) for w in charted(data) if waits(data, w)},
        "tables": [
            {
                "title": heading,
                "rows": [result_cells(data, r) for r in results if r["workload"] in names],
            }
            for heading, names in detail_groups(data)
            if any(r["workload"] in names for r in results)
        ],
        "redone": redone,
        "steady_share": 1 - len(unsteady) / len(results),
        "machine_spread": data["cpu_spread"],
        "max_spread": settings["max_spread"],
        "memory": memory_rows(data),
        "memory_workload": memory_workload(data),
        "waiting": waiting_context(data),
    }


def detail_groups(data: dict) -> list[tuple[str, list[str]]]:
    """The workloads measured at one concurrency, grouped under the headings the page shows."""
    single = [w for w, about in data["workloads"].items() if not about["swept"]]
    groups = [
        ("Validation", [w for w in single if w.startswith("validation")]),
        ("FastAPI's three ways to wait", [w for w in single if w.startswith("fastapi_")]),
        ("SQLite, one item by id", [w for w in single if w.startswith("database")]),
        ("PostgreSQL, one item by id", [w for w in single if w.startswith("postgresql")]),
    ]
    grouped = {w for _, names in groups for w in names}
    rest = [w for w in single if w not in grouped]
    return [group for group in [*groups, ("Other workloads", rest)] if group[1]]


def memory_workload(data: dict) -> dict | None:
    entries = data["memory"]
    if not entries:
        return None
    workload = entries[0]["workload"]
    top = max(r["concurrency"] for r in data["results"] if r["workload"] == workload)
    return {"title": title(data, workload), "top": top}


def memory_rows(data: dict) -> list[list[str]]:
    found = []
    for entry in data["memory"]:
        worker, total = entry["worker_rss_kib"], entry["total_rss_kib"]
        per = f" (mean of {entry['workers']} workers)" if entry["workers"] > 1 else ""
        found.append(
            [
                f"{label(data, entry['server'])}{per}",
                str(entry["processes"]),
                mib(worker["idle"]),
                mib(worker["loaded"]),
                mib(total["loaded"]),
            ]
        )
    return found


def waiting_context(data: dict) -> dict | None:
    waiting = data.get("waiting")
    if not waiting:
        return None
    counts = sorted({point["connections"] for point in waiting["points"]})
    table = []
    for server, about in waiting["servers"].items():
        points = {p["connections"]: p for p in waiting["points"] if p["server"] == server}
        most = max(points.values(), key=lambda p: p["held"])
        threads = most["added_threads"] / most["held"] if most["held"] else None
        table.append(
            [
                f"{FRAMEWORK[about['framework']]}, {server}",
                *(f"{points[c]['held']:,}" if c in points else "" for c in counts),
                f"{most['kib_per_request']:,.1f}" if most["kib_per_request"] is not None else "",
                f"{threads:.2f}" if threads is not None else "",
                f"{most['requests_per_gib']:,}" if most["requests_per_gib"] is not None else "",
            ]
        )
    return {
        "run": waiting,
        "counts": counts,
        "sent": " and then ".join(f"{c:,}" for c in counts),
        "readings": plural(waiting["repetitions"], "reading"),
        "rows": table,
    }


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent),
        undefined=StrictUndefined,  # a name the template misspells fails the report, not the page
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown, not HTML
    )
    env.filters.update(rate=rate, percent=percent, mib=mib, plural=plural)
    env.globals.update(EVERY_POINT=EVERY_POINT, LEAD=LEAD)
    return env


def report(data: dict) -> dict[str, str]:
    """File name -> content, for every file the page uses."""
    charts = {workload: chart(data, workload) for workload in charted(data)}
    page = render_page(data, {workload: size(svg) for workload, svg in charts.items()})
    return {REPORT: page, **{f"{workload}.svg": svg for workload, svg in charts.items()}}


def render_page(data: dict, sizes: dict[str, tuple[int, int]]) -> str:
    """The report's Markdown, for charts of these sizes (width, height) per charted workload."""
    return environment().get_template(TEMPLATE).render(**context(data, sizes))


def main(argv: list[str]) -> int:
    """Write the report and the charts from the data (`python -m scripts.bench_report`)."""
    parser = argparse.ArgumentParser(
        description="Turn the benchmark data into the Benchmark page's tables and charts."
    )
    parser.add_argument("--data", type=Path, default=DATA_FILE, help="benchmark JSON to read")
    parser.add_argument("--out", type=Path, default=DATA_FILE.parent, help="folder for the report and charts")
    args = parser.parse_args(argv)
    try:
        data = load(args.data)
    except (OSError, ValueError) as error:
        print(f"{args.data}: {error}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in report(data).items():
        (args.out / name).write_text(content)
        print(f"wrote {args.out / name}")
    return 0
