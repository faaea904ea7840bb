"""Collect and run the Python blocks written inline in Markdown, with readable failures."""

from pathlib import Path

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

PYTHON_PREFIXES = ("py", "python")


def inline_examples(folder: Path) -> list[CodeExample]:
    """Python fences that hold code rather than a `--8<--` include of a snippet."""
    return [
        example
        for example in find_examples(folder)
        if example.prefix.split(" ")[0] in PYTHON_PREFIXES and "--8<--" not in example.source
    ]


def failure_location(error: BaseException, example: CodeExample) -> str:
    """`file.md:line` of the innermost frame that ran inside the example.

    pytest-examples gives the example's frames the Markdown path as file name
    and Markdown line numbers, so the traceback is walked by hand: formatting
    it with the traceback module is what raises StopIteration on 3.11.
    """
    line = example.start_line
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(example.path):
            line = tb.tb_lineno
        tb = tb.tb_next
    return f"{example.path}:{line}"


def run_inline_example(example: CodeExample, eval_example: EvalExample) -> None:
    if eval_example.update_examples:
        eval_example.run_print_update(example)
        return
    try:
        eval_example.run_print_check(example)
    except Exception as error:  # the example's own error, re-raised by pytest-examples
        where = failure_location(error, example)
        message = f"{where}: inline example raised {type(error).__name__}: {error}"
    else:
        return
    # Outside the except block, so the broken traceback is not chained in.
    pytest.fail(message, pytrace=False)
