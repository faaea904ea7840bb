"""Python blocks written inline in docs/ run, and their printed output matches the `#>` lines.

Fences that only include a snippet (`--8<--`) are skipped here: the snippet is
a module under snippets/ and has its own tests. `--update-examples` rewrites
the `#>` lines from a real run.

pytest-examples 0.0.18 rebuilds a failing example's traceback with a line
table Python 3.11 cannot read, and pytest >= 8.4 then aborts the whole run
with `INTERNALERROR ... generator raised StopIteration`. `run_inline_example`
turns the error into a plain failure naming the Markdown file and line.
"""

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

from harness.project import DOCS, TESTS
from support.inline_examples import inline_examples, run_inline_example


@pytest.mark.parametrize("example", inline_examples(DOCS), ids=str)
def test_inline_example(example: CodeExample, eval_example: EvalExample):
    run_inline_example(example, eval_example)


def test_found_the_examples_pages_promise():
    assert any(example.path.name == "type-safety.md" for example in inline_examples(DOCS))


def test_include_fences_are_left_to_the_snippet_tests():
    included = [example for example in find_examples(DOCS) if "--8<--" in example.source]
    assert included
    assert not set(map(str, included)) & set(map(str, inline_examples(DOCS)))


BROKEN_PAGE = """# A page with two broken examples

```python
x = 1
raise ValueError("boom")
```

```python
print(1 + 1)
#> 3
```
"""

RUNNER = f"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, {str(TESTS)!r})
from support.inline_examples import inline_examples, run_inline_example


@pytest.mark.parametrize("example", inline_examples(Path("docs")), ids=str)
def test_inline(example, eval_example):
    run_inline_example(example, eval_example)
"""


@pytest.mark.slow
def test_a_failing_inline_example_is_a_readable_failure(pytester):
    """The StopIteration workaround, proved on a deliberately broken page."""
    (pytester.mkdir("docs") / "broken.md").write_text(BROKEN_PAGE)
    pytester.makepyfile(test_runner=RUNNER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.stdout.no_fnmatch_line("*INTERNALERROR*")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*docs/broken.md:5: inline example raised ValueError: boom*"])
    result.stdout.fnmatch_lines(["*Print output changed code*", "*-#> 3", "*+#> 2"])
