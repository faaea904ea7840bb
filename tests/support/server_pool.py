"""Real servers for the whole session: only those the selected tests declare, all started at once.

A test declares each server it talks to with the `serves` mark, on itself or
on one of its parameters, and gets them running from the `served` fixture:

    @serves(Server(app, env={"SIMULATED_IO_SECONDS": "0.3"}))
    def test_waits(served): ...

    @pytest.mark.parametrize("app", [pytest.param(app, marks=serves(Server(app))) for app in APPS])
    def test_answers(served, app):
        served[Server(app)].base_url

The first time a test asks, the pool reads the marks of every selected test
(`request.session.items`: under `-k hello` only hello's tests), starts all
those servers together, and keeps them until the session ends; then, or when
the run is interrupted (Ctrl-C, or SIGTERM, which tests/conftest.py turns into
Ctrl-C), it stops them all, and scripts/local_servers.py makes them die with
this process even if it is killed. Equal descriptions are one server: a
`Server` is its app, command and environment; a `ShownCommand` its text. The
terminal summary says how many servers the pool started (with -v, which).
"""

import time
from collections.abc import Hashable, Iterator

import pytest

from .servers import RunningServer, running_servers

MARK = "serves"
serves = pytest.mark.serves  # MARK


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARK}(*servers): real servers the test talks to, from tests/support/server_pool.py"
    )


def declared_servers(item: pytest.Item) -> list[Hashable]:
    """The servers a test declares with `serves` marks: its own, its parameters', its module's."""
    return [server for mark in item.iter_markers(MARK) for server in mark.args]


def servers_needed(items: list[pytest.Item]) -> list[Hashable]:
    """Every server the tests declare, once each, in the order the tests first declare them."""
    return list(dict.fromkeys(server for item in items for server in declared_servers(item)))


class ServerPool:
    """The session's running servers, looked up by their description."""

    def __init__(self, running: dict[Hashable, RunningServer], seconds: float) -> None:
        self.running = running
        self.seconds = seconds  # from the first start to the last server listening

    def __getitem__(self, server: Hashable) -> RunningServer:
        if server not in self.running:
            raise LookupError(f"the server pool did not start {server}: no selected test declares it")
        return self.running[server]


class Served(dict):
    """One test's declared servers; asking for any other fails, saying how to declare it."""

    def __missing__(self, server: Hashable) -> RunningServer:
        raise LookupError(f"the test does not declare {server}: mark it with `serves(...)`")


STARTED = pytest.StashKey[ServerPool]()


@pytest.fixture(scope="session")
def server_pool(request: pytest.FixtureRequest) -> Iterator[ServerPool]:
    """Every server the selected tests declare, started together on first use, stopped at the end."""
    needed = servers_needed(request.session.items)
    started = time.monotonic()
    with running_servers(needed) as running:
        pool = ServerPool(running, time.monotonic() - started)
        request.config.stash[STARTED] = pool
        yield pool


@pytest.fixture
def served(request: pytest.FixtureRequest, server_pool: ServerPool) -> Served:
    """The servers this test declares, running: `served[Server(app)].base_url`."""
    return Served({server: server_pool[server] for server in declared_servers(request.node)})


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    pool = config.stash.get(STARTED, None)
    if pool is None:
        return
    terminalreporter.section("server pool")
    terminalreporter.write_line(f"started {len(pool.running)} servers at once in {pool.seconds:.2f} s")
    if config.get_verbosity() > 0:
        for server in pool.running:
            terminalreporter.write_line(f"  {server}")
