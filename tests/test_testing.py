"""The shown test modules run and pass, each against its own framework's app.

They run inside this pytest process (so coverage sees them), in a nested
session with none of this project's options.
"""

import pytest

from harness.project import SNIPPETS

SHOWN_TESTS = {
    "fastapi": SNIPPETS / "testing" / "fastapi_tests.py",
    "flask": SNIPPETS / "testing" / "flask_tests.py",
}


@pytest.mark.parametrize("framework", sorted(SHOWN_TESTS))
def test_shown_tests_pass(pytester, framework):
    result = pytester.runpytest_inprocess(
        str(SHOWN_TESTS[framework]),
        "-o",
        "addopts=",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(pytester.path),
    )
    result.assert_outcomes(passed=3)
