"""Which shown files the tests read: a file a page includes counts as tested only if some test opens it.

A snippet module runs under the tests and an exchange is replayed, but any
other file under snippets/ that a page includes (a table, a template, a
mypy report, a log) is only text until a test reads it: a made-up log on a
page would otherwise pass as "from snippets". An audit hook (PEP 578)
records every file opened under snippets/ during the run, the apps' own
reads included (a template Jinja loads, a stylesheet served); at the end of
a whole run, every included file that is neither a module nor an exchange
must be among them.
"""

import os
import sys
from pathlib import Path

from harness.project import ROOT, SNIPPETS

from .site import included_files

# Shown through the machinery that runs or replays them, not by being read as text.
RUN_OR_REPLAYED = {".py", ".http"}
_opened: set[Path] = set()
_installed = False


def _record(event: str, args: tuple) -> None:
    if event != "open":
        return
    path = args[0]
    if isinstance(path, str) and "snippets" in path:
        _opened.add(Path(os.path.abspath(path)))


def record_reads() -> None:
    """Start recording (once per process: an audit hook cannot be removed)."""
    global _installed
    if not _installed:
        sys.addaudithook(_record)
        _installed = True


def opened() -> set[Path]:
    return set(_opened)


def unread_shown_files(read: set[Path]) -> list[str]:
    """Files a page includes, other than modules and exchanges, that no test opened."""
    resolved = {path.resolve() for path in read}
    return sorted(
        str(path.relative_to(ROOT.resolve()))
        for path in included_files()
        if path.suffix not in RUN_OR_REPLAYED
        and path.is_relative_to(SNIPPETS.resolve())
        and path not in resolved
    )
