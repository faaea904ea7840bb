"""Lighthouse on the home page and a topic page: accessibility, best practices, SEO, weight budget.

The audits run on the run's one build (tests/conftest.py), with the same code
scripts/lighthouse.py uses to audit every page; the whole suite runs them in
the background as soon as the build is done (tests/support/background.py). The performance score is
printed, not asserted: it depends on how busy the machine is.
"""

import pytest

from scripts.lighthouse import NEEDS, table
from support.browser import LIGHTHOUSE_PAGES as PAGES
from support.browser import lighthouse_audits

MIN_SCORE = 95
HOME_BUDGET_KIB = 350


@pytest.fixture(scope="module")
def audits(build, background, require_tools, report):
    require_tools(*NEEDS)
    results = background.result("lighthouse", lambda: lighthouse_audits(build.address))
    report.extend(["Lighthouse (scripts/lighthouse.py's audit):", *table(results).splitlines()])
    return results


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("category", ["accessibility", "best-practices", "seo"])
def test_scores_at_least_95(audits, page, category):
    result = audits[page]
    assert result["scores"][category] >= MIN_SCORE, result["audits_below_full_score"][category]


def test_home_page_weighs_at_most_350_kib(audits):
    assert audits[""]["kib"] <= HOME_BUDGET_KIB
