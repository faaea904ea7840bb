"""The weekly workflow's link checker (linkinator, with linkinator.config.json) works, shown offline.

The workflow (.github/workflows/latest.yml) fetches every link of the built
site, external ones included. Here every other host is skipped: the run
proves the tool, its configuration and the site's own links, and a page with
a broken link is shown to fail it.
"""

import json
import re
import subprocess

import pytest

from harness.project import ROOT
from harness.tools import LINKINATOR

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.no_cover]

CONFIG = ROOT / "linkinator.config.json"
# Everything but this machine (linkinator serves a folder on localhost): the suite stays offline.
OFFLINE = r"^https?://(?!127\.0\.0\.1|localhost)"


def linkinator(target: str):
    return subprocess.run(
        [str(LINKINATOR), target, "--config", str(CONFIG), "--skip", OFFLINE],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )


def test_the_configuration_is_valid_and_its_skips_are_regular_expressions():
    config = json.loads(CONFIG.read_text())
    assert config["recurse"] is True
    for pattern in config["skip"]:
        re.compile(pattern)


def test_every_link_of_the_built_site_resolves(build, require_tools):
    require_tools("node", "linkinator")
    result = linkinator(build.address)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    scanned = re.search(r"scanned (\d+) links", result.stdout + result.stderr)
    assert scanned and int(scanned.group(1)) > 20, result.stderr[-500:]


def test_a_broken_link_fails_the_check(tmp_path, require_tools):
    require_tools("node", "linkinator")
    page = "<!doctype html><html><body>{}</body></html>"
    (tmp_path / "index.html").write_text(
        page.format('<a href="here.html">here</a> <a href="gone.html">gone</a>')
    )
    (tmp_path / "here.html").write_text(page.format("here"))
    result = linkinator(str(tmp_path))
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "[404]" in output and "gone.html" in output
