"""Which shown files the tests read: a file a page includes counts as tested only if some test opens it.

A snippet module runs under the tests and an exchange is replayed, but any
other file under snippets/ that a page includes (a table, a template, a
mypy report, a log) is only text until a test reads it: a made-up log on a
page would otherwise pass as "from snippets". An audit hook (PEP 578)
records every file opened under snippets/ during the run, the apps' own
reads included (a template Jinja loads, a stylesheet served), but not those
the MACHINERY opens to build or compare the pages, which open every shown
file without checking what it says. At the end of a whole run, every
included file that is neither a module nor an exchange must be among them.
"""

import os
import sys
from pathlib import Path

from harness.project import ROOT, SNIPPETS

from .site import included_files

# Shown through the machinery that runs or replays them, not by being read as text.
RUN_OR_REPLAYED = {".py", ".http"}
# Where the code runs that opens shown files to build or compare the pages, or to copy the project:
# MkDocs and its Markdown extensions (the includes), the census, the site and lint checks, the
# scaffold's and the mutation run's copies.
MACHINERY = tuple(
    os.path.join(*parts) + (os.sep if len(parts) == 1 else "")
    for parts in [
        ("mkdocs",),
        ("pymdownx",),
        ("material",),
        ("markdown",),
        ("mkdocstrings",),
        ("tests", "support", "site.py"),
        ("tests", "support", "reading.py"),
        ("tests", "test_site.py"),
        ("tests", "test_lint.py"),  # reads every project file for a registry's host name
        ("harness", "project.py"),
        ("harness", "site_build.py"),
        ("harness", "site_hooks.py"),
        ("harness", "mutation.py"),
    ]
)


def by_machinery(frame) -> bool:
    """Whether any frame of the stack from `frame` outwards runs MACHINERY code."""
    while frame is not None:
        if any(part in frame.f_code.co_filename for part in MACHINERY):
            return True
        frame = frame.f_back
    return False


class Reads:
    """The files under snippets/ opened while recording, other than by MACHINERY."""

    def __init__(self) -> None:
        self.opened: set[Path] = set()

    def record(self, event: str, args: tuple) -> None:
        """An audit hook: called for every audited event of the process."""
        if event != "open" or not isinstance(args[0], str) or "snippets" not in args[0]:
            return
        if not by_machinery(sys._getframe(1)):
            self.opened.add(Path(os.path.abspath(args[0])))


READS = Reads()
_installed = False


def record_reads() -> None:
    """Start recording into READS (once per process: an audit hook cannot be removed)."""
    global _installed
    if not _installed:
        sys.addaudithook(READS.record)
        _installed = True


def unread_shown_files(read: set[Path]) -> list[str]:
    """Files a page includes, other than modules and exchanges, that are not among `read`."""
    resolved = {path.resolve() for path in read}
    snippets = SNIPPETS.resolve()
    return sorted(
        str(path.relative_to(ROOT.resolve()))
        for path in included_files()
        if path.suffix not in RUN_OR_REPLAYED
        and path.is_relative_to(snippets)
        and path.is_file()  # an include that resolves elsewhere (docs/) is not a snippet
        and path not in resolved
    )
