"""What the benchmark measures: the servers, each framework's advised configuration, the workloads.

Everything here is written into the data file (`roles`, `workloads`,
`headline_concurrency`), so the report reads it from there and never imports
this module.
"""

from dataclasses import dataclass

from harness.benchmark.analysis import cpu_count
from harness.servers import BENCHMARKED, ServerCommand

SWEEP = (1, 10, 100, 200)  # connections; a log scale on the charts
HEADLINE = 100  # the concurrency the page compares the frameworks at
IO_SECONDS = 0.05
DATABASE_ITEMS = 100  # rows in the database workloads' table, on SQLite and on PostgreSQL


# The servers measured: harness/servers.py's, as the tests run them but with per-request
# logging off, under the names the Benchmark page shows.
SERVERS = list(BENCHMARKED)
FASTAPI_SERVERS = ("uvicorn, 1 worker", "granian ASGI, 1 worker")
FLASK_SERVERS = tuple(server.name for server in SERVERS if server.framework == "flask")
QUART_SERVERS = tuple(server.name for server in SERVERS if server.framework == "quart")

# Each framework's configuration as its own deployment docs advise for the cores given, and the one
# readers run by accident. The report reads these from the data file, with their sources.
ROLES = {
    "advised": {
        # `fastapi run` starts uvicorn; one process per core, here one core
        # (https://fastapi.tiangolo.com/deployment/server-workers/).
        "fastapi": "uvicorn, 1 worker",
        # "a starting value could be CPU * 2" (https://flask.palletsprojects.com/en/stable/deploying/gunicorn/).
        "flask": "gunicorn sync, 2 workers",
    },
    # gunicorn without -w: one sync worker, which Flask's page calls "probably not what you want".
    "accident": {"flask": "gunicorn sync, 1 worker"},
}
ROLE_SOURCES = {
    "fastapi": "https://fastapi.tiangolo.com/deployment/server-workers/",
    "flask": "https://flask.palletsprojects.com/en/stable/deploying/gunicorn/",
}


@dataclass(frozen=True)
class Workload:
    """What is measured: one endpoint per framework, on which servers, at which concurrency."""

    name: str
    title: str
    targets: dict[str, tuple[str, str]]  # framework -> (module, path)
    concurrency: tuple[int, ...]
    servers: tuple[str, ...]  # server names
    body: str = ""  # a JSON body makes the request a POST
    io_seconds: float | None = None
    # The database the apps read, holding DATABASE_ITEMS items: "sqlite" (a file) or "postgresql"
    # (a throwaway cluster on the servers' cores); None for no database.
    database: str | None = None
    # The workload whose other frameworks did the same work: FastAPI's async def hello is compared
    # with Flask's hello, measured once.
    same_work_as: str | None = None
    variant: str | None = None  # how FastAPI's endpoint is declared, where the workload has two

    def describe(self) -> dict:
        """What the data file records of it, so the report never imports this module's constants."""
        return {
            "title": self.title,
            "io_seconds": self.io_seconds,
            "same_work_as": self.same_work_as,
            "variant": self.variant,
            "swept": len(self.concurrency) > 1,
        }


EVERY_FASTAPI_AND_FLASK = (*FASTAPI_SERVERS, *FLASK_SERVERS)


def three_frameworks(topic: str, fastapi_path: str, flask_path: str) -> dict[str, tuple[str, str]]:
    """A topic's FastAPI, Flask and Quart apps, Quart's at FastAPI's path (both await)."""
    return {
        "fastapi": (f"snippets.{topic}.fastapi_app", fastapi_path),
        "flask": (f"snippets.{topic}.flask_app", flask_path),
        "quart": (f"snippets.{topic}.quart_app", fastapi_path),
    }


def database_workloads(database: str, title: str, sync_driver: str, async_driver: str) -> list[Workload]:
    """One item read by id: the same sync driver on both sides, and FastAPI's async driver as a row
    of its own (the same work as the first)."""
    name = "database" if database == "sqlite" else database
    return [
        Workload(
            name,
            f"{title} by id, the same sync driver ({sync_driver})",
            {
                "fastapi": ("snippets.database.fastapi_app", "/items/1"),
                "flask": ("snippets.database.flask_app", "/items/1"),
            },
            (HEADLINE,),
            ("uvicorn, 1 worker", *FLASK_SERVERS),
            database=database,
        ),
        Workload(
            f"{name}_async_driver",
            f"{title} by id, FastAPI's async driver ({async_driver})",
            {"fastapi": ("snippets.async_database.fastapi_app", "/items/1")},
            (HEADLINE,),
            ("uvicorn, 1 worker",),
            database=database,
            same_work_as=name,
        ),
    ]


WORKLOADS = [
    Workload(
        "hello",
        "JSON hello endpoint",
        three_frameworks("hello", "/", "/"),
        SWEEP,
        (*EVERY_FASTAPI_AND_FLASK, *QUART_SERVERS),
        variant="def",
    ),
    Workload(
        "hello_async_def",
        "JSON hello endpoint, FastAPI async def",
        {"fastapi": ("snippets.hello.fastapi_async_app", "/")},
        SWEEP,
        FASTAPI_SERVERS,
        same_work_as="hello",
        variant="async def",
    ),
    Workload(
        "io_wait",
        "I/O wait of 50 ms (the article's example)",
        three_frameworks("io_wait", "/async", "/sync"),
        SWEEP,
        (*EVERY_FASTAPI_AND_FLASK, *QUART_SERVERS),
        io_seconds=IO_SECONDS,
    ),
    *(
        Workload(
            f"validation_{name}",
            f"Validation, {name} body",
            {
                "fastapi": ("snippets.validation.fastapi_robust_app", "/items"),
                "flask": ("snippets.validation.flask_robust_app", "/items"),
            },
            (HEADLINE,),
            ("uvicorn, 1 worker", *FLASK_SERVERS),
            body=body,
        )
        for name, body in [("valid", '{"name": "Pen", "price": 1.5}'), ("invalid", '{"name": "Pen"}')]
    ),
    *(
        Workload(
            f"fastapi_{name}",
            title,
            {"fastapi": ("snippets.concurrency.fastapi_app", path)},
            (HEADLINE,),
            ("uvicorn, 1 worker",),
            io_seconds=IO_SECONDS,
        )
        for name, title, path in [
            ("async_def", "FastAPI async def awaiting 50 ms", "/async-wait"),
            ("def", "FastAPI def sleeping 50 ms (thread pool)", "/thread-wait"),
            ("blocking_async_def", "FastAPI async def blocking 50 ms (anti-pattern)", "/blocking-wait"),
        ]
    ),
    *(
        workload
        for database, title, sync_driver, async_driver in [
            ("sqlite", "SQLite", "sqlite3", "aiosqlite"),
            ("postgresql", "PostgreSQL", "psycopg", "asyncpg"),
        ]
        for workload in database_workloads(database, title, sync_driver, async_driver)
    ),
]
# Each server's memory is read around this workload's sweep: idle before it, loaded after it.
MEMORY_WORKLOAD = WORKLOADS[0]


@dataclass(frozen=True)
class Launch:
    """A server command running one app, pinned to some cores: what local_servers starts."""

    kind: ServerCommand
    module: str
    cores: str

    def command(self, port: int) -> list[str]:
        return ["taskset", "--cpu-list", self.cores, *self.kind.command(f"{self.module}:app", port)]

    def shown_command(self) -> str:
        return f"taskset --cpu-list {self.cores} {self.kind.command_line(f'{self.module}:app')}"


def servers_for(cores: str) -> list[ServerCommand]:
    """The server kinds, plus uvicorn with a worker per server core when the servers get several cores.

    With the servers pinned to one core (the default on a two-core machine,
    where wrk has the other), one worker per core is one worker.
    """
    per_core = cpu_count(cores)
    if per_core == 1:
        return SERVERS
    return [*SERVERS, SERVERS[0].with_workers(f"uvicorn, {per_core} workers (one per core)", per_core)]


Point = tuple[Workload, ServerCommand, tuple[int, ...]]


def plan(quick: bool, cores: str) -> list[Point]:
    """(workload, server, concurrency levels) in the order measured: a server's points run back to back."""
    servers = servers_for(cores)
    if quick:  # hello on every server; I/O wait and the databases on each framework's first
        first: dict[str, ServerCommand] = {}
        for server in servers:
            first.setdefault(server.framework, server)
        return [(MEMORY_WORKLOAD, server, (10,)) for server in servers] + [
            (workload, server, (10,))
            for workload in WORKLOADS[1:]
            if workload.name in ("hello_async_def", "io_wait") or workload.database
            for server in first.values()
            if server.framework in workload.targets
        ]
    return [
        (workload, server, workload.concurrency)
        for workload in WORKLOADS
        for server in servers
        if server.framework in workload.targets
        and (server.name in workload.servers or "per core" in server.name)
    ]
