"""Build the site (MkDocs, or Zensical), serve the build on 127.0.0.1, and name its pages.

The one place that runs a site build, for the test suite and for
harness/lighthouse.py. Material's instant navigation only takes over links
that the sitemap lists under `site_url`, so a site that a browser will load is
built for the very address it is served from: `served_site` starts the file
server first, on a free port, and builds for that address. Serving under a
subpath (`/fastapi-vs-flask/`) is how GitHub Pages serves a project site, so
the same build also shows whatever only a subpath breaks.

The file server (harness/preview.py) answers as GitHub Pages does: text
gzip-compressed to a browser that accepts it.

Every build run in this process is counted in `BUILDS`, so the test run can
report how many it needed.
"""

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.preview import HostedFiles
from harness.project import DOCS, ROOT
from harness.servers import running_servers

BUILD_TIMEOUT = 180
# mkdocs.yml's exclude_docs: tables included by pages, not pages themselves.
NOT_PAGES = ("data",)


@dataclass
class Build:
    """One finished build: how it went, how long it took, and where the pages are."""

    tool: str
    returncode: int
    output: str
    seconds: float
    site: Path
    address: str = ""  # where the build is served, if it is

    @property
    def succeeded(self) -> bool:
        return self.returncode == 0


BUILDS: list[Build] = []


class BuildFailed(RuntimeError):
    """A strict build failed; the message holds its output."""


def mkdocs_build_command(site_dir: Path) -> list[str]:
    """The strict build, as CI, the tests and the scripts run it (from the project's root)."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]


def zensical_build_command() -> list[str]:
    """Zensical's strict build; it has no --site-dir and writes to the project's site/."""
    return [sys.executable, "-m", "zensical", "build", "--strict"]


def run_build(tool: str, site_dir: Path, project: Path = ROOT, **environment: str) -> Build:
    """Build `project` (the repository or a copy) with "mkdocs" or "zensical"; never raises on failure."""
    command = mkdocs_build_command(site_dir) if tool == "mkdocs" else zensical_build_command()
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=project,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    build = Build(
        tool, result.returncode, result.stdout + result.stderr, time.perf_counter() - started, site_dir
    )
    BUILDS.append(build)
    return build


def builds_summary(tools: list[str] | None = None) -> str:
    """ "site builds in this run: 2 (mkdocs 1, zensical 1)", for the closing report: of BUILDS, or of
    the builds `tools` names, one entry per build (a run spread over processes adds up theirs)."""
    tools = [build.tool for build in BUILDS] if tools is None else tools
    counts = ", ".join(f"{tool} {tools.count(tool)}" for tool in sorted(set(tools)))
    return f"site builds in this run: {len(tools)}" + (f" ({counts})" if counts else "")


@contextlib.contextmanager
def served_folder(root: Path, subpath: str = "") -> Iterator[str]:
    """Serve `root` on a free loopback port; yield the address of `root/subpath` ("http://.../sub/")."""
    server = HostedFiles(root)
    with running_servers([server]) as running:
        yield running[server].base_url + "/" + (subpath.strip("/") + "/" if subpath else "")


def build_for(site_dir: Path, address: str, **environment: str) -> Build:
    """The strict MkDocs build of the repository into `site_dir`, for the address it is served at."""
    build = run_build("mkdocs", site_dir, SITE_URL=address, **environment)
    build.address = address
    if not build.succeeded:
        raise BuildFailed(f"mkdocs build --strict failed:\n{build.output}")
    return build


@contextlib.contextmanager
def served_site(root: Path, subpath: str = "", **environment: str) -> Iterator[Build]:
    """Serve `root` on a free loopback port, build the site into `root/subpath` for that address.

    Yields the build (its `address` ends in "/"); raises BuildFailed if the
    strict build fails. The server is stopped however the block ends.
    """
    site_dir = root / subpath if subpath else root
    site_dir.mkdir(parents=True, exist_ok=True)
    with served_folder(root, subpath) as address:
        yield build_for(site_dir, address, **environment)


def site_pages() -> list[str]:
    """Every page of the site as a path below its address: "" for the home page, "topics/routing/", ...

    Read from docs/, so tests can be parametrised before anything is built;
    the site tests check that a build has exactly these pages.
    """
    paths = []
    for source in DOCS.rglob("*.md"):
        relative = source.relative_to(DOCS)
        if relative.parts[0] in NOT_PAGES:
            continue
        stem = relative.with_suffix("").as_posix()
        paths.append("" if stem == "index" else stem.removesuffix("/index") + "/")
    return sorted(paths)


def built_pages(site_dir: Path) -> list[str]:
    """The pages a build holds, named as site_pages() names them."""
    return sorted(
        "" if index.parent == site_dir else index.parent.relative_to(site_dir).as_posix() + "/"
        for index in site_dir.rglob("index.html")
    )
