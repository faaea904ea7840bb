"""Database access: the page's steps, in order, on a fresh SQLite file, in process and over real sockets.

These requests change state, so they run in the order the page lists them
(the shown exchanges are numbered) instead of through the generic contract
runner, and each run starts from empty tables.
"""

import contextlib
from pathlib import Path

import pytest

from harness.apps import topic_apps
from harness.servers import Server, running_servers
from support.clients import in_process_client, socket_client
from support.exchanges import check_exchange, exchanges_in_order
from support.tables import request_rows

TOPIC = "database"
APPS = topic_apps(TOPIC)
SEQUENCE = request_rows(TOPIC, "sequence.md")


def empty_tables(app) -> None:
    module = app.module
    module.Base.metadata.drop_all(module.engine)
    module.Base.metadata.create_all(module.engine)


@contextlib.contextmanager
def serving_on_its_own_file(app, database: Path):
    server = Server(app)
    with (
        running_servers([server], env={"DATABASE_URL": f"sqlite:///{database}"}) as running,
        socket_client(running[server].base_url) as client,
    ):
        yield client


@pytest.mark.parametrize("app", APPS, ids=str)
def test_shown_exchanges_in_order(app, update_shown):
    empty_tables(app)
    for exchange in exchanges_in_order(TOPIC, app):
        check_exchange(exchange, in_process_client(app), update=update_shown)


@pytest.mark.parametrize("app", APPS, ids=str)
def test_sequence_table_in_order(app):
    empty_tables(app)
    client = in_process_client(app)
    answered = [(row.case, row.send(client).status_code) for row in SEQUENCE]
    assert answered == [(row.case, row.statuses[app.name]) for row in SEQUENCE]


@pytest.mark.servers
@pytest.mark.parametrize("app", APPS, ids=str)
def test_over_a_socket_on_its_own_database_file(app, tmp_path, update_shown):
    if update_shown:
        pytest.skip("--update-examples rewrites the shown files in process; compare on the next run")
    with serving_on_its_own_file(app, tmp_path / "exchanges.db") as client:
        for exchange in exchanges_in_order(TOPIC, app):
            check_exchange(exchange, client)
    with serving_on_its_own_file(app, tmp_path / "sequence.db") as client:
        answered = [(row.case, row.send(client).status_code) for row in SEQUENCE]
    assert answered == [(row.case, row.statuses[app.name]) for row in SEQUENCE]
