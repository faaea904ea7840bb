"""Database access: the page's steps, in order, on a fresh SQLite file, in process and over real sockets,
and on PostgreSQL under the production servers.

These requests change state, so they run in the order the page lists them
(the shown exchanges are numbered) instead of through the generic contract
runner, and each run starts from empty tables. On PostgreSQL each app gets a
new database of a throwaway cluster (harness/postgres.py) for each run.
"""

from pathlib import Path

import pytest

from harness.apps import topic_apps
from support.clients import in_process_client, serving_on
from support.exchanges import check_exchange, exchanges_in_order
from support.tables import request_rows

TOPIC = "database"
APPS = topic_apps(TOPIC)
SEQUENCE = request_rows(TOPIC, "sequence.md")


def empty_tables(app) -> None:
    module = app.module
    module.Base.metadata.drop_all(module.engine)
    module.Base.metadata.create_all(module.engine)


def serving_on_its_own_file(app, database: Path):
    return serving_on(app, f"sqlite:///{database}")


def the_steps_hold(client, app) -> None:
    answered = [(row.case, row.send(client).status_code) for row in SEQUENCE]
    assert answered == [(row.case, row.statuses[app.name]) for row in SEQUENCE]


# The steps create Pen, fail on a second Pen, then create Pencil: its id is the next row id on SQLite,
# and one more on PostgreSQL, whose sequence does not give back the number the failed insert took.
PENCIL_ID = {"sqlite": 2, "postgresql": 3}


def pencil_id(client) -> int:
    found = [number for number in (2, 3) if client.get(f"/items/{number}").status_code == 200]
    assert len(found) == 1, found
    assert client.get(f"/items/{found[0]}").json()["name"] == "Pencil"
    return found[0]


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
        the_steps_hold(client, app)
        assert pencil_id(client) == PENCIL_ID["sqlite"]


@pytest.mark.servers
@pytest.mark.parametrize("app", APPS, ids=str)
def test_on_postgresql_under_the_production_server(app, postgres_cluster, update_shown):
    if update_shown:
        pytest.skip("--update-examples rewrites the shown files in process; compare on the next run")
    exchanges = postgres_cluster.url(database=postgres_cluster.create_database(f"{app.name}_exchanges"))
    with serving_on(app, exchanges) as client:
        for exchange in exchanges_in_order(TOPIC, app):
            check_exchange(exchange, client)
    steps = postgres_cluster.url(database=postgres_cluster.create_database(f"{app.name}_steps"))
    with serving_on(app, steps) as client:
        the_steps_hold(client, app)
        assert pencil_id(client) == PENCIL_ID["postgresql"]
