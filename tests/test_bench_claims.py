"""Every sentence that compares, on the Benchmark, performance and decision pages, holds: in the data, or
in the source it cites.

The report writes its own sentences from the data (harness/benchmark/report.py),
so they hold by construction; the pages' hand-written ones are registered
here, each with what backs it: a check against the committed run, under the
tie rule (a difference inside the runs' spread is no lead), or the source the
sentence cites. A page sentence that compares (tests/support/comparatives.py)
and carries no registered fragment fails, as does a registered fragment no
page says any more, and a check the data no longer passes: a new run that
contradicts a sentence fails until the sentence is rewritten.
"""

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from harness.benchmark import analysis, waiting
from harness.benchmark.analysis import Kind
from harness.project import DOCS
from support.comparatives import comparatives, sentences

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover

# The pages whose comparisons lean on the benchmark: its own, and those that cite it.
PAGES = [
    DOCS / "benchmark.md",
    DOCS / "performance.md",
    DOCS / "decision-guide.md",
    DOCS / "async-support.md",
    DOCS / "topics" / "async-databases.md",
    DOCS / "topics" / "databases.md",
]
DATA = json.loads((DOCS / "data" / "benchmark.json").read_text())


@dataclass(frozen=True)
class Claim:
    """A fragment of a page's sentence and what backs it: a check on the data, or a cited source."""

    fragment: str
    check: Callable[[dict], bool] | None = None
    source: str | None = None  # a link the sentence carries, or the test that holds the behaviour
    lead: bool = False  # it says one configuration serves more than another: a tie must fail its check


def verdicts(data: dict) -> dict[tuple[str, Kind], analysis.Verdict]:
    found, _ = analysis.pairings(data)
    return {(p.workload, p.kind): analysis.verdict(p) for p in found}


def measured(data: dict, workload: str, server: str, concurrency: int | None = None) -> analysis.Measured:
    figures = analysis.by_server(data, workload, concurrency or analysis.headline(data))[server]
    return figures[0]


def faster(data: dict, workload: str, kind: Kind) -> str | None:
    return verdicts(data)[workload, kind].faster


def waiting_points(data: dict) -> dict[tuple[str, int], dict]:
    return {(point["server"], point["connections"]): point for point in data["waiting"]["points"]}


def kib_each(data: dict) -> dict[str, float]:
    points = waiting_points(data)
    return {
        server: max((points[server, c] for c in waiting.CONNECTIONS), key=lambda p: p["held"])[
            "kib_per_request"
        ]
        for server in data["waiting"]["servers"]
    }


UVICORN, GRANIAN_WSGI, GEVENT = (
    "uvicorn, 1 worker",
    "granian WSGI, 1 worker x 512 threads",
    "gunicorn gevent, 1 worker",
)
GTHREAD = "gunicorn gthread, 1 worker x {} threads"
TIE_RULE = "tests/test_bench_analysis.py::test_no_ratio_where_it_would_mislead"


SQLITE, POSTGRESQL = ("database", "database_async_driver"), ("postgresql", "postgresql_async_driver")


def advised_verdicts(data: dict) -> dict[str, analysis.Verdict]:
    return {w: v for (w, kind), v in verdicts(data).items() if kind is Kind.ADVISED}


def advised_faster_without_a_database(data: dict) -> bool:
    """As advised: FastAPI faster on every workload that reads no database, `def` or `async def`."""
    found = advised_verdicts(data)
    return all(found[w].faster == "fastapi" for w in found if w not in (*SQLITE, *POSTGRESQL))


def advised_flask_keeps_up_on_databases(data: dict) -> bool:
    """As advised, on every database row (both databases, both of FastAPI's drivers): a tie, or Flask."""
    found = advised_verdicts(data)
    return all(
        found[w].faster == "flask" or found[w].no_ratio is analysis.NoRatio.TIE
        for w in (*SQLITE, *POSTGRESQL)
    )


def rates(data: dict, workloads: tuple[str, ...]) -> dict[tuple[str, str], float]:
    """(workload, server) -> median requests per second at the headline concurrency."""
    c = analysis.headline(data)
    return {
        (w, server): figures[0].requests_per_second
        for w in workloads
        for server, figures in analysis.by_server(data, w, c).items()
    }


def postgresql_narrower_than_sqlite(data: dict) -> bool:
    """The fastest configuration over the slowest, on PostgreSQL, is less than on SQLite."""
    spans = [
        max(found.values()) / min(found.values()) for found in (rates(data, POSTGRESQL), rates(data, SQLITE))
    ]
    return spans[0] < spans[1]


def flask_best_serves_the_most_on_postgresql(data: dict) -> bool:
    """Best against best, Flask leads FastAPI with either of its drivers (a tie is no lead)."""
    return all(verdicts(data)[w, Kind.BEST].faster == "flask" for w in POSTGRESQL)


def most_where_requests_wait(data: dict) -> bool:
    ratios = {
        w: v.ratio
        for (w, kind), v in verdicts(data).items()
        if kind is Kind.ADVISED and v.faster == "fastapi"
    }
    return bool(ratios) and max(ratios, key=ratios.get) == "io_wait"


def flask_ties_or_leads_best_against_best(data: dict) -> bool:
    return all(v.faster in (None, "flask") for (_, kind), v in verdicts(data).items() if kind is Kind.BEST)


def share_of_the_limit(data: dict, server: str) -> float:
    m = measured(data, "io_wait", server)
    return analysis.limit_share(data, "io_wait", m, analysis.headline(data))


def the_worker_model_decides_the_wait(data: dict) -> bool:
    wait, c = analysis.waits(data, "io_wait"), analysis.headline(data)
    capped = all(
        measured(data, "io_wait", GTHREAD.format(n)).requests_per_second <= 1.02 * n / wait
        for n in (8, 32)
        if n < c
    )
    near = all(share_of_the_limit(data, server) >= 0.9 for server in (GEVENT, GRANIAN_WSGI, UVICORN))
    return capped and near


def as_many_threads_as_waiting_requests(data: dict) -> bool:
    return share_of_the_limit(data, GTHREAD.format(128)) >= 0.9 > share_of_the_limit(data, GTHREAD.format(32))


def one_sync_worker_starves(data: dict) -> bool:
    return measured(data, "io_wait", data["roles"]["accident"]["flask"]).starved > 0


def flask_keeps_up_on_sqlite_as_advised(data: dict) -> bool:
    verdict = verdicts(data)["database", Kind.ADVISED]
    return verdict.faster == "flask" or verdict.no_ratio is analysis.NoRatio.TIE


def async_driver_no_faster(data: dict, databases: tuple[tuple[str, str], ...] = (SQLITE,)) -> bool:
    """FastAPI's async driver tied its sync one, or served fewer, on each of `databases`."""
    pairs = [(measured(data, sync, UVICORN), measured(data, async_, UVICORN)) for sync, async_ in databases]
    return all(s.ties(a) or a.requests_per_second < s.requests_per_second for s, a in pairs)


def async_driver_no_faster_on_postgresql(data: dict) -> bool:
    return async_driver_no_faster(data, (POSTGRESQL,))


def async_driver_no_faster_on_either(data: dict) -> bool:
    return async_driver_no_faster(data, (SQLITE, POSTGRESQL))


def async_driver_slower(data: dict) -> bool:
    sync, async_ = measured(data, "database", UVICORN), measured(data, "database_async_driver", UVICORN)
    return not sync.ties(async_) and async_.requests_per_second < sync.requests_per_second


def flask_best_serves_more_queries(data: dict) -> bool:
    return all(verdicts(data)[w, Kind.BEST].faster == "flask" for w in ("database", "database_async_driver"))


def async_def_ties_flasks_best(data: dict) -> bool:
    return verdicts(data)["hello_async_def", Kind.BEST].no_ratio is analysis.NoRatio.TIE


def granian_outruns_the_article_version(data: dict) -> bool:
    granian, uvicorn = measured(data, "hello", GRANIAN_WSGI), measured(data, "hello", UVICORN)
    return not granian.ties(uvicorn) and granian.requests_per_second > uvicorn.requests_per_second


def hypercorn_lower_and_uvicorn_closes_most(data: dict) -> bool:
    hypercorn, quart, fastapi = (
        measured(data, "io_wait", server)
        for server in ("hypercorn, 1 worker", "uvicorn, 1 worker (Quart)", UVICORN)
    )
    gap = fastapi.requests_per_second - hypercorn.requests_per_second
    closed = quart.requests_per_second - hypercorn.requests_per_second
    return hypercorn.high < fastapi.low and closed > gap / 2


def noise(data: dict) -> bool:
    spreads: dict[bool, list[float]] = {True: [], False: []}
    for result in data["results"]:
        spreads[bool(analysis.waits(data, result["workload"]))].append(result["summary"]["spread"])
    busy, waiting_ = spreads[False], spreads[True]
    return max(busy) <= 0.6 and statistics.median(waiting_) <= 0.03 < statistics.median(busy)


def the_machine_itself_varies(data: dict) -> bool:
    """A fixed loop, timed as a point is, disagreed with itself by a few hundredths at least once."""
    return max(data["cpu_spread"]) >= 0.02


def every_flask_server_beats_the_async_driver(data: dict) -> bool:
    async_ = measured(data, "database_async_driver", UVICORN)
    flask = [m[0] for m in analysis.by_server(data, "database", analysis.headline(data)).values()]
    return all(m.low > async_.high for m in flask if m.framework == "flask")


def hypercorn_falls_short(data: dict) -> bool:
    hypercorn, quart, fastapi = (
        measured(data, "io_wait", server)
        for server in ("hypercorn, 1 worker", "uvicorn, 1 worker (Quart)", UVICORN)
    )
    return hypercorn.high < fastapi.low and hypercorn.requests_per_second < quart.requests_per_second


def flask_worker_lighter(data: dict) -> bool:
    memory = {entry["server"]: entry["worker_rss_kib"] for entry in data["memory"]}
    gunicorn = [server for server in memory if server.startswith("gunicorn")]
    lighter = all(memory[s][when] < memory[UVICORN][when] for s in gunicorn for when in ("idle", "loaded"))
    growth = {server: rss["loaded"] - rss["idle"] for server, rss in memory.items()}
    return lighter and max(growth, key=growth.get) == GRANIAN_WSGI


def gevent_least_granian_most(data: dict) -> bool:
    kib = kib_each(data)
    return min(kib, key=kib.get).startswith("gunicorn gevent") and max(kib, key=kib.get) == GRANIAN_WSGI


def uvicorn_more_than_a_raised_gthread(data: dict) -> bool:
    return kib_each(data)[UVICORN] > kib_each(data)["gunicorn gthread, 1 worker x 5,000 threads"]


def the_server_matters_more_on_short_requests(data: dict) -> bool:
    hello = analysis.by_server(data, "hello", analysis.headline(data))
    flask = [m[0].requests_per_second for m in hello.values() if m[0].framework == "flask"]
    fastapi = [m[0].requests_per_second for m in hello.values() if m[0].framework == "fastapi"]
    return max(flask) / min(flask) > max(max(flask), max(fastapi)) / min(max(flask), max(fastapi))


CLAIMS: list[Claim] = [
    # benchmark.md, In short, and performance.md's In short
    Claim("FastAPI serves more requests", advised_faster_without_a_database, lead=True),
    Claim("Flask as its docs advise keeps up or leads", advised_flask_keeps_up_on_databases),
    Claim("Flask keeps up or leads on SQLite and PostgreSQL", advised_flask_keeps_up_on_databases),
    Claim("most of all where requests wait", most_where_requests_wait, lead=True),
    Claim("Configured for the work, Flask keeps up", flask_ties_or_leads_best_against_best),
    Claim("Flask ties or leads", flask_ties_or_leads_best_against_best),
    Claim("it ties or leads on every workload", flask_ties_or_leads_best_against_best),
    Claim("A thread per waiting request caps gunicorn's", the_worker_model_decides_the_wait),
    Claim("The worker model decides the I/O wait, not the framework", the_worker_model_decides_the_wait),
    Claim("Flask as its docs advise serves at least as many of them", flask_keeps_up_on_sqlite_as_advised),
    Claim("FastAPI's async driver is no faster than its sync one", async_driver_no_faster_on_either),
    Claim("On PostgreSQL the field narrows", postgresql_narrower_than_sqlite),
    Claim("the configurations lay closer together than on SQLite", postgresql_narrower_than_sqlite),
    # benchmark.md, What the data shows
    Claim("CPU-bound points disagree by up to a few tenths", noise),
    Claim("disagrees with itself too", the_machine_itself_varies),
    Claim("Two configurations whose runs overlap are a tie here", source=TIE_RULE),
    Claim("declared async def, FastAPI ties Flask's best", async_def_ties_flasks_best),
    Claim(
        "a Flask app under granian outruns FastAPI's article version",
        granian_outruns_the_article_version,
        lead=True,
    ),
    Claim("give it as many threads as requests wait at once", as_many_threads_as_waiting_requests),
    Claim("some connections get no answer during a run at all", one_sync_worker_starves),
    Claim(
        "it reaches a lower share of the limit than FastAPI under uvicorn",
        hypercorn_lower_and_uvicorn_closes_most,
    ),
    Claim("the async endpoint served fewer of them in this run", async_driver_slower, lead=True),
    Claim("Flask's best server serves more of them than either", flask_best_serves_more_queries, lead=True),
    Claim("Queries on PostgreSQL narrow the field", postgresql_narrower_than_sqlite),
    Claim("The configurations lay closer together than on", postgresql_narrower_than_sqlite),
    Claim("Flask's best server served the most", flask_best_serves_the_most_on_postgresql, lead=True),
    # benchmark.md, Memory per worker and What a waiting request costs
    Claim("a Flask worker under gunicorn holds less", flask_worker_lighter),
    Claim("a greenlet under gevent took the least memory", gevent_least_granian_most),
    Claim("A request on uvicorn took more than a thread", uvicorn_more_than_a_raised_gthread),
    # benchmark.md, How it is measured (folded)
    Claim("Two configurations whose runs' ranges overlap are a tie", source=TIE_RULE),
    Claim(
        "A request counts as held when its event comes within",
        source="tests/test_bench.py::test_a_request_answered_a_wait_late_was_queued_not_held",
    ),
    # async-support.md
    Claim(
        "an async view serves no more requests at once than a sync one",
        source="tests/test_concurrency.py::test_scenario_runs_as_the_page_says",
    ),
    Claim("falls short of FastAPI under uvicorn", hypercorn_falls_short, lead=True),
    Claim(
        "async is not inherently faster than sync code",
        source="https://flask.palletsprojects.com/en/stable/async-await/",
    ),
    # topics/async-databases.md
    Claim("Async is not faster", async_driver_no_faster),
    Claim("Async does not make a query faster", async_driver_no_faster),
    Claim("AsyncSession was no faster than FastAPI's own synchronous Session", async_driver_no_faster),
    Claim(
        "Flask's synchronous Session served more requests per second",
        every_flask_server_beats_the_async_driver,
        lead=True,
    ),
    Claim("the simpler choice, and no slower", async_driver_no_faster),
    Claim("asyncpg endpoint was no faster than psycopg", async_driver_no_faster_on_postgresql),
    Claim("Flask as its docs advise kept up with both", advised_flask_keeps_up_on_databases),
    Claim(
        "What the async driver buys is not speed but fewer threads",
        source="tests/test_async_database.py::test_a_slow_query_on_postgresql_and_a_request_sent_meanwhile",
    ),
    # topics/databases.md
    Claim("why async is not faster on SQLite", async_driver_no_faster),
    Claim("served at least as many reads as FastAPI", advised_flask_keeps_up_on_databases),
    # decision-guide.md
    Claim("served at least as many requests as FastAPI", advised_flask_keeps_up_on_databases),
    Claim("all configurations lay closer together than on SQLite", postgresql_narrower_than_sqlite),
    # performance.md, the verdict
    Claim("the framework matters less than the server", the_server_matters_more_on_short_requests),
]


def registered(sentence: str) -> list[Claim]:
    return [claim for claim in CLAIMS if claim.fragment in sentence]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_comparative_sentence_is_registered(page):
    unregistered = [sentence for sentence in comparatives(page) if not registered(sentence)]
    assert unregistered == [], (
        f"{page.name}: these sentences compare, and nothing holds them; register each in "
        "tests/test_bench_claims.py with a check on the data or the source it cites"
    )


def test_every_registered_fragment_is_still_said():
    said = [sentence for page in PAGES for sentence in sentences(page)]
    gone = [claim.fragment for claim in CLAIMS if not any(claim.fragment in sentence for sentence in said)]
    assert gone == []


@pytest.mark.parametrize(
    "claim", [claim for claim in CLAIMS if claim.check], ids=lambda claim: claim.fragment
)
def test_each_data_claim_holds_in_the_committed_run(claim):
    assert claim.check(DATA), claim.fragment


def test_each_claim_is_backed_once():
    assert all((claim.check is None) != (claim.source is None) for claim in CLAIMS)
    assert len({claim.fragment for claim in CLAIMS}) == len(CLAIMS)


def test_an_unregistered_comparison_is_caught(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\nFlask under gevent is faster than FastAPI.\n\n```python\nx = 'faster'\n```\n"
    )
    assert [sentence for sentence in comparatives(page) if not registered(sentence)] == [
        "Flask under gevent is faster than FastAPI."
    ]


def test_a_lead_inside_the_spread_fails_its_check():
    """The tie rule, applied to a page's sentence: a check that asks for a lead fails on a tie."""
    tie = json.loads(json.dumps(DATA))
    for result in tie["results"]:
        result["repetitions"] = [{**rep, "requests_per_second": 1000.0} for rep in result["repetitions"]]
        result["summary"]["requests_per_second"] = 1000.0
    leads = [claim for claim in CLAIMS if claim.lead]
    assert leads, "no registered claim of a lead to try"
    assert [claim.fragment for claim in leads if claim.check(tie)] == []
