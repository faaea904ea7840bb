"""Lighthouse on the home page and a topic page: accessibility, best practices, SEO, weight budget.

scripts/lighthouse.py audits every page and prints the table; this test runs
it on two pages. The performance score is printed, not asserted: it depends
on how busy the machine is.
"""

import json
import subprocess
import sys

import pytest

from scripts.lighthouse import missing_tools
from support.browser import unavailable
from support.paths import ROOT

PAGES = ["", "topics/routing/"]
MIN_SCORE = 95
HOME_BUDGET_KIB = 350


@pytest.fixture(scope="module")
def audits(tmp_path_factory, report):
    if problems := missing_tools():
        unavailable("Lighthouse tests: " + "; ".join(problems), report)
    output = tmp_path_factory.mktemp("lighthouse") / "scores.json"
    result = subprocess.run(
        [sys.executable, "scripts/lighthouse.py", *PAGES, "--json", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report.extend(["Lighthouse (scripts/lighthouse.py):", *result.stdout.splitlines()])
    return json.loads(output.read_text())


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("category", ["accessibility", "best-practices", "seo"])
def test_scores_at_least_95(audits, page, category):
    result = audits[page]
    assert result["scores"][category] >= MIN_SCORE, result["audits_below_full_score"][category]


def test_home_page_weighs_at_most_350_kib(audits):
    assert audits[""]["kib"] <= HOME_BUDGET_KIB
