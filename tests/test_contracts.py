"""Every app against its contract, in process: the exchanges and the bad-input tables the pages show.

Topic modules add what only their topic needs; tests/test_real_servers.py
runs this same contract over real sockets.
"""

import pytest

from support.clients import in_process_client
from support.compared_bodies import body_problems
from support.exchanges import all_shown_exchanges, check_exchange
from support.tables import bad_input_cases


@pytest.mark.parametrize("exchange", all_shown_exchanges(), ids=str)
def test_page_shows_what_the_app_answers(exchange, update_shown):
    check_exchange(exchange, in_process_client(exchange.app), update=update_shown)


@pytest.mark.parametrize(("row", "app"), bad_input_cases(), ids=str)
def test_bad_input_table_states_the_answer(row, app):
    assert row.send(in_process_client(app)).status_code == row.statuses[app.name]


def test_every_endpoint_has_its_body_compared():
    problems = body_problems()
    assert not problems, "\n".join(problems)
