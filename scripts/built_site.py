"""Build the site for the address it will be served at, and serve it on 127.0.0.1.

The browser tests and scripts/lighthouse.py load the built site the way a
reader does. Material's instant navigation only takes over links that the
sitemap lists under `site_url`, so the site is built for the very address
and port it is served from, not for the preview address in mkdocs.yml.
"""

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scripts.local_servers import HOST, ROOT, running_servers

# Debian's Chromium (Playwright's own browser download does not work here).
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


@dataclass(frozen=True)
class StaticFiles:
    """Python's own file server over one folder: no caching, no rewriting, nothing but the files."""

    directory: Path

    def command(self, port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            HOST,
            "--directory",
            str(self.directory),
        ]


def mkdocs_build_command(site_dir: Path) -> list[str]:
    """The strict build, as CI, the tests and this module run it (from the project's root)."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]


class BuildFailed(RuntimeError):
    """mkdocs build --strict failed; the message holds its output."""


def build(site_dir: Path, site_url: str) -> None:
    result = subprocess.run(
        mkdocs_build_command(site_dir),
        cwd=ROOT,
        env={**os.environ, "SITE_URL": site_url},
        capture_output=True,
        text=True,
        timeout=180,
    )
    if result.returncode != 0:
        raise BuildFailed(f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}")


@contextlib.contextmanager
def served_site(site_dir: Path) -> Iterator[str]:
    """Serve `site_dir` on a free loopback port, build the site into it for that address; yield it."""
    site_dir.mkdir(parents=True, exist_ok=True)
    server = StaticFiles(site_dir)
    with running_servers([server]) as running:
        address = running[server].base_url + "/"
        build(site_dir, address)
        yield address


def page_paths(site_dir: Path) -> list[str]:
    """Every page of a built site as a path below its address: "" for the home page, "topics/routing/", ..."""
    return sorted(
        "" if index.parent == site_dir else index.parent.relative_to(site_dir).as_posix() + "/"
        for index in site_dir.rglob("index.html")
    )
