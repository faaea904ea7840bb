"""Background work: both apps accept a task for a name and run it once the response is done.

The table on the page is the contract: for each query string, each app's
status and what its task printed (or that no task ran).
"""

import pytest

from support.apps import get_app
from support.clients import in_process_client
from support.exchanges import check_exchange, shown_exchanges
from support.tables import TABLES, literal

TOPIC = "background_tasks"


@pytest.mark.parametrize("exchange", shown_exchanges(TOPIC), ids=str)
def test_page_shows_what_the_app_answers(exchange, update_shown):
    check_exchange(exchange, in_process_client(exchange.app), update=update_shown)


TABLE = TABLES[TOPIC]


@pytest.mark.parametrize("column", TABLE.columns, ids=TABLE.columns.values())
@pytest.mark.parametrize("row", TABLE.rows(), ids=str)
def test_bad_input_table_states_each_answer_and_task(row, column, capsys):
    response = TABLE.send(row, in_process_client(get_app(TOPIC, TABLE.columns[column])))
    assert response.status_code == row.statuses[column]
    printed = literal(row.cells[f"{column}'s task prints"])
    assert capsys.readouterr().out == ("" if printed is None else printed + "\n")
