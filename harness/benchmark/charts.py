"""The Benchmark page's charts, drawn by matplotlib from the benchmark data.

One chart per swept workload: requests per second against concurrent
connections, one line per server. A framework has one colour and a server
kind one line style and marker, so a reader can tell FastAPI from Flask at a
glance and uvicorn from granian by the line. Connections sit on a log scale
(a sweep such as 1, 10, 50, 100, 200 spaced evenly would bend a straight
limit into a curve). The SVG keeps its text as text, so it stays searchable
and sharp, and comes out byte for byte the same from the same data (no date,
a fixed hash salt), so the test that rebuilds it can compare the files.
"""

import io

FRAMEWORK_COLORS = {"fastapi": "#00796b", "flask": "#1f4e9c", "quart": "#8e44ad"}
LIMIT_COLOR = "#666666"
# A server kind's line: matched by the start of its name, the first that fits.
SERVER_LINES = [
    ("uvicorn", "-", "o"),
    ("granian", "--", "s"),
    ("gunicorn sync", ":", "v"),
    ("gunicorn gthread", "-.", "^"),
    ("gunicorn gevent", (0, (5, 1, 1, 1)), "D"),
    ("hypercorn", (0, (3, 1, 1, 1, 1, 1)), "P"),
]
Y_AXIS_TITLE = "Requests per second"
X_AXIS_TITLE = "Concurrent connections (log scale)"
STYLE = {
    "svg.fonttype": "none",  # text stays <text>: readable by a test and by a screen reader
    "svg.hashsalt": "fastapi-vs-flask-benchmark",  # the same ids on every run
    "font.family": "sans-serif",
    # One family named in the SVG, the one matplotlib measured the text with, then the reader's own:
    # each family named and missing is one more font lookup for the browser, per chart it draws.
    "font.sans-serif": ["DejaVu Sans"],
    # A 5.6-inch chart (403 pt) drawn 358 px wide on a 390 px phone: text shrinks by 0.89, so
    # 12 pt becomes about 11 px. On a laptop the page caps it at 560 px (answers.css).
    "font.size": 13,
    "axes.titlesize": 13,
    "legend.fontsize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def line_style(server: str) -> tuple[object, str]:
    """The dash pattern and marker of a server's kind (uvicorn, granian, gunicorn's workers...)."""
    for start, dashes, marker in SERVER_LINES:
        if server.startswith(start):
            return dashes, marker
    return "-", "x"


def thousands(value: float, _position: int) -> str:
    return f"{value:,.0f}"


def throughput_chart(
    title: str,
    series: list[tuple[str, str, str, dict[int, float]]],
    limit_per_connection: float | None = None,
) -> str:
    """An SVG chart of requests per second by connections.

    `series` holds (legend label, framework, server name, {connections:
    requests per second}) per server; with `limit_per_connection`, the most that many
    connections allow (c x the limit) is drawn as a grey line.
    """
    # Imported here, not above: matplotlib takes most of a second to import, and the report's
    # analysis (which the quick loop tests) imports this module without drawing anything.
    from matplotlib import rc_context
    from matplotlib.figure import Figure  # a Figure of its own: no pyplot state, no display needed
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    levels = sorted({c for *_, by_level in series for c in by_level})
    with rc_context(STYLE):
        figure = Figure(figsize=(5.6, 6.4), layout="constrained")
        axes = figure.subplots()
        drawn: set[tuple[str, object, str]] = set()
        for name, framework, server, by_level in series:
            dashes, marker = line_style(server)
            # A second line of the same framework and server kind (two sync worker counts, FastAPI's
            # def and async def) gets hollow markers and a thinner line, so the two stay apart.
            second = (framework, str(dashes), marker) in drawn
            drawn.add((framework, str(dashes), marker))
            shown = sorted(by_level)
            axes.plot(
                shown,
                [by_level[c] for c in shown],
                color=FRAMEWORK_COLORS[framework],
                linestyle=dashes,
                marker=marker,
                markerfacecolor="white" if second else FRAMEWORK_COLORS[framework],
                linewidth=1.2 if second else 2,
                markersize=7 if second else 6,
                label=name,
            )
        peak = max(value for *_, by_level in series for value in by_level.values())
        if limit_per_connection:
            axes.plot(
                levels,
                [c * limit_per_connection for c in levels],
                color=LIMIT_COLOR,
                linestyle=(0, (1, 2)),
                linewidth=1.5,
                label="Limit: connections ÷ wait",
            )
            axes.set_ylim(0, peak * 1.15)  # the limit climbs far above what any server reached
        else:
            axes.set_ylim(bottom=0)
        axes.set_xscale("log")
        axes.set_xticks(levels, [str(c) for c in levels])
        axes.minorticks_off()
        axes.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
        axes.yaxis.set_major_formatter(FuncFormatter(thousands))
        axes.grid(axis="y", color="#dddddd", linewidth=0.8)
        axes.set_xlabel(X_AXIS_TITLE)
        axes.set_ylabel(Y_AXIS_TITLE)
        axes.set_title(title, loc="left")
        figure.legend(loc="outside lower center", ncols=1, frameon=False)  # one column: long labels
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
