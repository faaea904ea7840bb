"""support/reads.py: a shown file other than a module or an exchange must be opened by some test.

Not in test_site.py: that module is site machinery, whose reads do not count.
"""

import pytest

from harness.project import ROOT, SNIPPETS
from support.reads import READS, Reads, record_reads, unread_shown_files

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover


def test_every_shown_file_but_modules_and_exchanges_must_be_read():
    every = unread_shown_files(set())
    assert "snippets/hardening/proxies.md" in every
    assert "snippets/templates/templates/hello.html" in every
    assert not any(name.endswith((".py", ".http")) for name in every)
    assert unread_shown_files({ROOT / name for name in every}) == []


def test_a_file_a_test_opens_is_recorded_and_one_the_site_machinery_opens_is_not():
    reads = Reads()
    table = SNIPPETS / "routing" / "allow.md"
    reads.record("open", (str(table), "r", 0))  # opened here, in a test
    census = compile("reads.record('open', (path, 'r', 0))", str(ROOT / "tests/support/site.py"), "exec")
    exec(census, {"reads": reads, "path": str(SNIPPETS / "routing" / "bad_input.md")})
    assert reads.opened == {table}


def test_the_audit_hook_sees_a_read():
    record_reads()
    table = SNIPPETS / "hello" / "bad_input.md"
    table.read_text()
    assert table.resolve() in {path.resolve() for path in READS.opened}
