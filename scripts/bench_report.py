"""Turn the benchmark data into the Benchmark page's tables and SVG charts.

Reads docs/data/benchmark.json (written by scripts/bench.py) and writes
docs/data/benchmark-report.md, which the page includes, and one SVG chart per
swept workload. Every figure on the page comes from here; the tests rebuild
these files from the data and fail if the committed ones differ.

    python -m scripts.bench_report
"""

import argparse
import json
import sys
from html import escape
from pathlib import Path

from scripts.bench import DATA_FILE, HEADLINE, check

REPORT = "benchmark-report.md"
# The default production pairing the headline compares: FastAPI's and Flask's usual servers.
PAIR = {"fastapi": "uvicorn, 1 worker", "flask": "gunicorn sync, 1 worker"}
COLORS = ["#1f5fbf", "#c0392b", "#1e8449", "#7d3c98", "#b9770e", "#17202a"]
FRAMEWORK = {"fastapi": "FastAPI", "flask": "Flask"}


def points(data: dict, workload: str) -> dict[str, dict[int, dict]]:
    """server -> concurrency -> summary, for one workload, in the data's order."""
    table: dict[str, dict[int, dict]] = {}
    for result in data["results"]:
        if result["workload"] == workload:
            table.setdefault(result["server"], {})[result["concurrency"]] = result["summary"]
    return table


def label(data: dict, server: str) -> str:
    return f"{FRAMEWORK[data['servers'][server]['framework']]}, {server}"


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


def headline(data: dict) -> list[str]:
    lines = [
        f"| Workload, {HEADLINE} concurrent connections | FastAPI ({PAIR['fastapi']}) "
        f"| Flask ({PAIR['flask']}) | FastAPI / Flask |",
        "|---|--:|--:|--:|",
    ]
    for workload, title in data["workloads"].items():
        table = points(data, workload)
        try:
            fastapi = table[PAIR["fastapi"]][HEADLINE]["requests_per_second"]
            flask = table[PAIR["flask"]][HEADLINE]["requests_per_second"]
        except KeyError:
            continue
        ratio = f"{fastapi / flask:.2f}" if flask else "no Flask requests completed"
        lines.append(f"| {title} | {rate(fastapi)} req/s | {rate(flask)} req/s | {ratio} |")
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
    """An SVG line chart of throughput against concurrency, one line per server."""
    table = points(data, workload)
    levels = sorted({c for by_level in table.values() for c in by_level})
    peak = max(s["requests_per_second"] for by_level in table.values() for s in by_level.values())
    if limit_per_connection:
        peak = max(peak, min(levels[-1] * limit_per_connection, peak * 1.5))
    width, height, left, right, top, bottom = 860, 420, 70, 330, 30, 50
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(index: int) -> float:
        return left + plot_w * index / max(len(levels) - 1, 1)

    def y(value: float) -> float:
        return top + plot_h * (1 - min(value, peak) / peak)

    title = f"{data['workloads'][workload]}: requests per second by concurrent connections"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        'role="img" aria-labelledby="t">',
        f'<title id="t">{escape(title)}</title>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>',
    ]
    for step in range(5):
        value = peak * step / 4
        parts.append(
            f'<text x="{left - 8}" y="{y(value) + 4:.1f}" font-size="12" text-anchor="end" '
            f'font-family="sans-serif" fill="#333">{rate(value)}</text>'
        )
    for index, c in enumerate(levels):
        parts.append(
            f'<text x="{x(index):.1f}" y="{top + plot_h + 18}" font-size="12" text-anchor="middle" '
            f'font-family="sans-serif" fill="#333">{c}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 10}" font-size="13" text-anchor="middle" '
        f'font-family="sans-serif" fill="#333">concurrent connections</text>'
    )
    series = list(table.items())
    if limit_per_connection:
        limit = " ".join(f"{x(i):.1f},{y(c * limit_per_connection):.1f}" for i, c in enumerate(levels))
        series_label = "theoretical limit (connections / wait)"
        parts.append(
            f'<polyline points="{limit}" fill="none" stroke="#777" stroke-dasharray="6 4" stroke-width="2"/>'
        )
        parts.append(_legend(len(series), series_label, "#777", left + plot_w + 15, top, dashed=True))
    for number, (server, by_level) in enumerate(series):
        color = COLORS[number % len(COLORS)]
        coords = " ".join(
            f"{x(i):.1f},{y(by_level[c]['requests_per_second']):.1f}"
            for i, c in enumerate(levels)
            if c in by_level
        )
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2.5"/>')
        parts.append(_legend(number, label(data, server), color, left + plot_w + 15, top))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _legend(row: int, text: str, color: str, x: float, top: float, dashed: bool = False) -> str:
    y = top + 10 + row * 22
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return (
        f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{color}" stroke-width="2.5"{dash}/>'
        f'<text x="{x + 30}" y="{y + 4}" font-size="11" font-family="sans-serif" fill="#333">'
        f"{escape(text)}</text>"
    )


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


def report(data: dict) -> dict[str, str]:
    """File name -> content, for every file the page uses."""
    m, settings = data["machine"], data["settings"]
    hello_spread = max(r["summary"]["spread"] for r in data["results"] if r["workload"] == "hello")
    wait_ms = settings["io_wait_seconds"] * 1000
    lines = [
        "### Headline",
        "",
        *headline(data),
        "",
        f"Largest spread between repetitions on the hello workload: {percent(hello_spread)}.",
        "",
        *remeasured_lines(data),
        "",
        "### JSON hello endpoint",
        "",
        "Requests per second by concurrent connections (± half the spread between repetitions).",
        "",
        *throughput_table(data, "hello"),
        "",
        "![Hello endpoint throughput by concurrency](data/hello.svg)",
        "",
        f"### I/O wait of {wait_ms:.0f} ms",
        "",
        *throughput_table(data, "io_wait"),
        "",
        "![I/O wait throughput by concurrency, with the theoretical limit](data/io_wait.svg)",
        "",
        f"With a wait of {wait_ms:.0f} ms per request, c connections can complete at most c / wait",
        "requests per second:",
        "",
        *io_limit_lines(data),
        "",
        "### Validation and FastAPI's three ways to wait",
        "",
        *detail_table(
            data,
            [
                "validation_valid",
                "validation_invalid",
                "fastapi_async_def",
                "fastapi_def",
                "fastapi_blocking_async_def",
            ],
        ),
        "",
        "### Machine and method",
        "",
        "| CPU | Cores | Server pinned to | wrk pinned to | Python | wrk |",
        "|---|--:|---|---|---|---|",
        f"| {m['cpu_model']} | {m['cores']} | CPU {m['server_cores']} | CPU {m['wrk_cores']} "
        f"| {m['python']} | {m['wrk']} |",
        "",
        f"Each point: {settings['warmup_seconds']} s of warm-up, then {settings['repetitions']} runs of "
        f"{settings['duration_seconds']} s each; data generated {data['generated']}.",
        "",
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
