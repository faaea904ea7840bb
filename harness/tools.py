"""The programs outside Python that some checks need: how to find each, and how to install it, said once.

The benchmark needs wrk; the PostgreSQL examples need Debian's postgresql;
the task queue examples need Debian's redis-server;
the browser tests need Debian's Chromium (Playwright's own browser download
does not work here); Lighthouse needs
Node.js and the npm packages of package-lock.json, as does the link checker
(linkinator). Without one, its tests
skip with the line below, unless REQUIRE_TOOLS=1 (set by .ci/run) makes a
missing tool a failure.
"""

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness import postgres, redis
from harness.project import ROOT

REQUIRE_TOOLS = "REQUIRE_TOOLS"
CHROMIUM = Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps calling Google's
# hosts, which a closed network refuses; as root it needs --no-sandbox.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
LINKINATOR = ROOT / "node_modules" / ".bin" / "linkinator"


@dataclass(frozen=True)
class Tool:
    name: str
    present: Callable[[], bool]
    install: str

    @property
    def missing_message(self) -> str:
        return f"{self.name} is missing: {self.install}"


TOOLS = {
    tool.name: tool
    for tool in [
        Tool("wrk", lambda: shutil.which("wrk") is not None, "`sudo apt-get install wrk`"),
        Tool("postgresql", postgres.installed, postgres.INSTALL_HINT),
        Tool("redis", redis.installed, redis.INSTALL_HINT),
        Tool("taskset", lambda: shutil.which("taskset") is not None, "`sudo apt-get install util-linux`"),
        Tool(
            "chromium",
            CHROMIUM.exists,
            f"`sudo apt-get install chromium`, or set CHROME_PATH (looked for {CHROMIUM})",
        ),
        Tool(
            "node",
            lambda: shutil.which("node") is not None and shutil.which("npm") is not None,
            "`sudo apt-get install nodejs npm` (Lighthouse 12 runs on Node.js 20)",
        ),
        Tool(
            "lighthouse",
            LIGHTHOUSE.exists,
            "run `npm ci` in the repository root (`scripts/dev.py test` does it when npm is here)",
        ),
        Tool(
            "linkinator",
            LINKINATOR.exists,
            "run `npm ci` in the repository root (`scripts/dev.py test` does it when npm is here)",
        ),
    ]
}


def missing(*names: str) -> list[str]:
    """One line for each of the named tools this machine lacks."""
    return [TOOLS[name].missing_message for name in names if not TOOLS[name].present()]


def tools_required() -> bool:
    """True when a missing tool must fail the run instead of skipping (CI)."""
    return os.environ.get(REQUIRE_TOOLS) == "1"
