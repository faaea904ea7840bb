"""harness/postgres.py: a throwaway PostgreSQL on 127.0.0.1 that always goes away, and the reader's command.

It never touches the system service: its own cluster in a temporary folder,
on a free port, listening on 127.0.0.1 only; stopped and deleted when the
block ends, also by an exception, and by Ctrl-C for the command.
"""

import subprocess
from pathlib import Path

import pytest

from harness import postgres
from harness.postgres import HOST, running_postgres
from harness.processes import processes_with
from support.services import check_a_port_out_of_range_is_refused, check_the_readers_command

pytestmark = [pytest.mark.servers, pytest.mark.no_cover]


@pytest.fixture(autouse=True)
def needs_postgres(require_tools):
    require_tools("postgresql")


def psql(cluster, query: str) -> str:
    command = [str(postgres.bin_folder() / "psql"), "-h", HOST, "-p", str(cluster.port), "-U", "app", "app"]
    return subprocess.run(
        [*command, "-Atc", query], capture_output=True, text=True, timeout=30, check=True
    ).stdout


def left_behind(folder: Path) -> list[int]:
    """Processes still running from the cluster's folder (postgres names its data directory with -D)."""
    return processes_with(str(folder))


def test_a_cluster_answers_on_loopback_and_leaves_nothing():
    with running_postgres() as cluster:
        assert psql(cluster, "show listen_addresses").strip() == HOST
        assert psql(cluster, "select current_user").strip() == "app"
        assert left_behind(cluster.folder)
    assert left_behind(cluster.folder) == []
    assert not cluster.folder.exists()


def test_a_failing_block_still_stops_the_cluster():
    with pytest.raises(RuntimeError, match="a failing test"), running_postgres() as cluster:
        raise RuntimeError("a failing test")
    assert left_behind(cluster.folder) == []
    assert not cluster.folder.exists()


def test_the_readers_command_prints_the_url_and_ctrl_c_stops_it():
    port = postgres.free_port()
    check_the_readers_command(
        "postgres", port, f"export DATABASE_URL=postgresql+psycopg://app@{HOST}:{port}/app\n", left_behind
    )


def test_a_port_out_of_range_is_refused_with_a_message():
    check_a_port_out_of_range_is_refused("postgres")
