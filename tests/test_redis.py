"""harness/redis.py: a throwaway Redis on 127.0.0.1 that always goes away, and the reader's command.

It never touches the system service: its own server in a temporary folder,
on a free port, listening on 127.0.0.1 only, saving nothing; stopped and
deleted when the block ends, also by an exception, and by Ctrl-C for the command.
"""

import socket

import pytest

from harness import redis
from harness.processes import processes
from harness.redis import HOST, running_redis
from support.services import check_a_port_out_of_range_is_refused, check_the_readers_command

pytestmark = [pytest.mark.servers, pytest.mark.no_cover]


@pytest.fixture(autouse=True)
def needs_redis(require_tools):
    require_tools("redis")


def answer(port: int, *words: str, lines: int = 1) -> list[str]:
    """One command in Redis's inline protocol, and the first `lines` lines of its answer."""
    with socket.create_connection((HOST, port), timeout=5) as connection:
        connection.sendall(" ".join(words).encode() + b"\r\n")
        reply = connection.makefile("rb")
        return [reply.readline().decode().strip() for _ in range(lines)]


def setting(port: int, name: str) -> str:
    """CONFIG GET's value: an array of the name and the value, each a length line then the text."""
    return answer(port, "CONFIG", "GET", name, lines=5)[4]


def left_behind(port: int) -> list[int]:
    """redis-server processes still serving `port` (the server names itself `redis-server HOST:PORT`)."""
    return [p.pid for p in processes() if not p.zombie and f"redis-server {HOST}:{port}" in p.command]


def test_a_server_answers_on_loopback_saves_nothing_and_leaves_nothing():
    with running_redis() as server:
        assert answer(server.port, "PING") == ["+PONG"]
        assert setting(server.port, "bind") == HOST
        assert setting(server.port, "save") == ""
        assert setting(server.port, "appendonly") == "no"
        assert left_behind(server.port) == [server.pid()]
    assert left_behind(server.port) == []
    assert not redis.ping(server.port)
    assert not server.folder.exists()


def test_a_failing_block_still_stops_the_server():
    with pytest.raises(RuntimeError, match="a failing test"), running_redis() as server:
        raise RuntimeError("a failing test")
    assert left_behind(server.port) == []
    assert not server.folder.exists()


def test_the_readers_command_prints_the_url_and_ctrl_c_stops_it():
    port = redis.free_port()
    check_the_readers_command(
        "redis", port, f"export REDIS_URL=redis://{HOST}:{port}/0\n", lambda folder: left_behind(port)
    )


def test_a_port_out_of_range_is_refused_with_a_message():
    check_a_port_out_of_range_is_refused("redis")
