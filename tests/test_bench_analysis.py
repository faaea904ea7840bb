"""The benchmark's comparisons on made-up data: who is paired with whom, the tie rule, and the words.

harness/benchmark/analysis.py pairs each framework's best and docs-advised
configurations on equal cores and gives a ratio only where it means
something; harness/benchmark/report.py says so on the page. These tests hold
both to that with small data sets whose answer is known.
"""

import pytest

from harness.benchmark import analysis, measure, report
from harness.benchmark.analysis import Kind, NoRatio, Verdict
from support.benchmark import point, synthetic

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover

UVICORN, GRANIAN_ASGI = "uvicorn, 1 worker", "granian ASGI, 1 worker"
SYNC_2, SYNC_1 = "gunicorn sync, 2 workers", "gunicorn sync, 1 worker"
GTHREAD, GRANIAN_WSGI = "gunicorn gthread, 1 worker x 32 threads", "granian WSGI, 1 worker x 512 threads"
TIMES = report.TIMES


def by_kind(data: dict) -> dict[tuple[str, Kind], analysis.Pairing]:
    found, _ = analysis.pairings(data)
    return {(pairing.workload, pairing.kind): pairing for pairing in found}


def headline_text(data: dict) -> str:
    """The page's headline, rendered without drawing the charts (a second each, and beside the point)."""
    page = report.render_page(data, {workload: (560, 640) for workload in report.charted(data)})
    return page.split("[start:headline]")[1].split("[end:headline]")[0]


def test_each_frameworks_best_and_docs_advised_configurations_are_paired_on_equal_cores():
    data = synthetic(
        point("hello", UVICORN, "fastapi", "0", 1000, 1010, 990),
        point("hello", GRANIAN_ASGI, "fastapi", "0", 1500, 1490, 1510),
        point("hello", SYNC_2, "flask", "0", 800, 810, 790),
        point("hello", SYNC_1, "flask", "0", 700, 710, 690),
        point("hello", GRANIAN_WSGI, "flask", "0", 3000, 2990, 3010),
    )
    pairs = by_kind(data)
    best, advised = pairs["hello", Kind.BEST], pairs["hello", Kind.ADVISED]
    assert (best.fastapi.server, best.flask.server) == (GRANIAN_ASGI, GRANIAN_WSGI)
    assert best.candidates == {"fastapi": 2, "flask": 3}
    assert analysis.verdict(best) == Verdict("flask", 2.0)
    # As each framework's docs advise: uvicorn against gunicorn with two sync workers per core.
    assert (advised.fastapi.server, advised.flask.server) == (UVICORN, SYNC_2)
    assert analysis.verdict(advised) == Verdict("fastapi", 1.25)
    table = headline_text(data)
    assert "| best measured | 1,500 req/s (granian ASGI, 1 worker, def; best of 2) " in table
    assert f"| 3,000 req/s (granian WSGI, 1 worker x 512 threads; best of 3) | Flask, 2.00{TIMES} |" in table
    assert (
        f"| 1,000 req/s (uvicorn, 1 worker, def) | 800 req/s (gunicorn sync, 2 workers) "
        f"| FastAPI, 1.25{TIMES} |" in table
    )
    assert "Servers pinned to CPU 0 (1 core, `taskset`)" in table
    # One sync worker, the accident, is shown on its own and never paired.
    assert "| JSON hello endpoint | 700 req/s |" in table
    caption = report.caption(data, "hello")
    assert f"Flask (granian WSGI, 1 worker x 512 threads) is 2.00{TIMES} as fast as FastAPI" in caption


def test_fastapis_async_def_hello_is_compared_with_flasks_hello():
    data = synthetic(
        point("hello", UVICORN, "fastapi", "0", 1000, 1010, 990),
        point("hello_async_def", UVICORN, "fastapi", "0", 1600, 1610, 1590),
        point("hello", SYNC_2, "flask", "0", 800, 810, 790),
    )
    advised = by_kind(data)["hello_async_def", Kind.ADVISED]
    assert (advised.fastapi.requests_per_second, advised.flask.server) == (1600, SYNC_2)
    assert analysis.verdict(advised) == Verdict("fastapi", 2.0)
    names = [name for name, *_ in report.chart_series(data, "hello")]
    assert "FastAPI async def, uvicorn, 1 worker" in names and "FastAPI def, uvicorn, 1 worker" in names


def test_the_headline_refuses_to_compare_unequal_cores():
    data = synthetic(
        # FastAPI's fastest configuration ran on two cores, Flask's only on one: not its rival.
        point("hello", UVICORN, "fastapi", "0", 1000, 1010, 990),
        point("hello", "uvicorn, 2 workers (one per core)", "fastapi", "0-1", 5000, 5010, 4990),
        point("hello", SYNC_2, "flask", "0", 800, 810, 790),
        # On the I/O wait, the frameworks never ran on as many cores as each other.
        point("io_wait", "uvicorn, 2 workers (one per core)", "fastapi", "0-1", 1900, 1910, 1890),
        point("io_wait", GTHREAD, "flask", "0", 152, 151, 153),
        # A server whose command records no pinning is compared with nothing.
        point("validation_valid", UVICORN, "fastapi", "0", 5000, 5010, 4990),
        point("validation_valid", "unpinned", "flask", None, 3000, 3010, 2990),
    )
    found, unpaired = analysis.pairings(data)
    assert {(p.workload, p.cores) for p in found} == {("hello", 1)}
    best = by_kind(data)["hello", Kind.BEST]
    assert best.fastapi.server == UVICORN and best.candidates == {"fastapi": 1, "flask": 1}
    hello, io_wait = analysis.title(data, "hello"), analysis.title(data, "io_wait")
    assert (hello, "on 2 core(s), only FastAPI was measured") in unpaired
    assert (io_wait, "on 2 core(s), only FastAPI was measured") in unpaired
    assert (io_wait, "on 1 core(s), only Flask was measured") in unpaired
    assert ("Flask, unpinned", "its command records no CPU pinning") in unpaired
    table = headline_text(data).split("Not compared")[0]
    assert "5,000 req/s" not in table and "| I/O wait" not in table and "| JSON body validation" not in table


@pytest.mark.parametrize(
    "flask_rates, errors, requests, why, says",
    [
        ((1040, 1100, 1070), 0, 10_000, NoRatio.TIE, "a tie: their runs' ranges overlap"),
        ((2000, 2010, 1990), 3, 10_000, NoRatio.SOCKET_ERRORS, "socket errors or timeouts"),
        ((0, 0, 0), 0, 10_000, NoRatio.NOTHING_COMPLETED, "one of them completed no request"),
        ((20, 20, 20), 0, 60, NoRatio.STARVED, "a server left connections unanswered"),
    ],
)
def test_no_ratio_where_it_would_mislead(flask_rates, errors, requests, why, says):
    data = synthetic(
        point("hello", UVICORN, "fastapi", "0", 1000, 1050, 1025),
        point("hello", SYNC_2, "flask", "0", *flask_rates, errors=errors, requests=requests),
    )
    pairing = by_kind(data)["hello", Kind.ADVISED]
    assert analysis.verdict(pairing) == Verdict(None, None, why)
    assert f"| {says}" in headline_text(data)


def test_starved_connections_replace_the_figures_they_would_make_up():
    """A run that answered 60 requests on 100 connections left at least 40 waiting all along: its
    latency percentiles describe only the lucky ones, so the page gives the count instead."""
    starving = point("io_wait", SYNC_1, "flask", "0", 20, 20, 20, requests=60)
    assert starving["summary"]["starved_connections"] == 40
    data = synthetic(point("io_wait", UVICORN, "fastapi", "0", 1900, 1910, 1890), starving)
    cells = report.result_cells(data, data["results"][1])
    assert cells[3:8] == ["40 of 100 unanswered", "", "", "", ""]
    assert (
        "| I/O wait of 50 ms (the article's example) | 40 of 100 connections unanswered |"
        in headline_text(data)
    )


def test_an_advised_configuration_that_was_not_measured_gets_no_ratio():
    data = synthetic(
        point("io_wait", UVICORN, "fastapi", "0", 1900, 1910, 1890),
        point("io_wait", GRANIAN_WSGI, "flask", "0", 1000, 1010, 990),
    )
    advised = by_kind(data)["io_wait", Kind.ADVISED]
    assert advised.flask is None
    assert report.reason(advised) == "Flask not measured in this configuration"
    assert "| not measured |" in headline_text(data)


def test_the_median_attempt_is_kept_when_none_is_steady():
    def attempt(*rates: float) -> list[dict]:
        return point("hello", UVICORN, "fastapi", "0", *rates)["repetitions"]

    attempts = [attempt(900, 1200, 1000), attempt(500, 700, 600), attempt(1500, 2000, 1800)]
    assert measure.median_attempt(attempts, 100) == 0
    assert measure.median_attempt(attempts[:2], 100) == 1  # of two, the slower: no flattering pick
    summary = measure.summarize(attempt(900, 1200, 1000), 100)
    assert summary["requests_per_second"] == 1000 and summary["spread"] == 0.3


def test_quart_is_charted_beside_the_frameworks_but_never_paired():
    data = synthetic(
        point("io_wait", UVICORN, "fastapi", "0", 1900, 1910, 1890),
        point("io_wait", SYNC_2, "flask", "0", 40, 40, 40),
        point("io_wait", "hypercorn, 1 worker", "quart", "0", 950, 940, 960),
    )
    best = by_kind(data)["io_wait", Kind.BEST]
    assert best.candidates == {"fastapi": 1, "flask": 1}
    assert [name for name, *_ in report.chart_series(data, "io_wait")][-1] == "Quart, hypercorn, 1 worker"
