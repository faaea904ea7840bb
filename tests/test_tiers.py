"""The tiers (tests/support/tiers.py) name tests that exist; --quick and --topic keep what they promise."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from support.paths import TESTS
from support.tiers import RUN_NO_SNIPPET_CODE, SITE_CHECKS, TIER_OF, TIERS, selected, tiers_of


def fake_item(module: str, name: str, fixtures=(), **params):
    """What the tier functions read of a pytest item."""
    return SimpleNamespace(
        path=Path(TESTS / module),
        name=name,
        fixturenames=list(fixtures),
        callspec=SimpleNamespace(params=params),
    )


@pytest.mark.parametrize("key", TIER_OF)
def test_every_tier_entry_names_an_existing_test(key):
    """A stale entry would stop applying silently, and its tests would run in the quick loop."""
    module, _, test_name = key.partition("::")
    source = (TESTS / module).read_text()
    assert not test_name or re.search(rf"^def {re.escape(test_name)}", source, re.M), f"no test {key}"
    assert set(TIER_OF[key]) <= set(TIERS)


@pytest.mark.parametrize("module", [*RUN_NO_SNIPPET_CODE, *SITE_CHECKS])
def test_every_module_named_exists(module):
    assert (TESTS / module).is_file()


def test_a_test_that_uses_the_server_pool_is_in_the_servers_tier_unlisted():
    assert tiers_of(fake_item("test_brand_new.py", "test_x", fixtures=["served"])) == ["servers"]
    assert tiers_of(fake_item("test_brand_new.py", "test_x")) == []


def test_quick_keeps_only_untiered_tests():
    items = [
        fake_item("test_contracts.py", "test_page_shows_what_the_app_answers"),
        fake_item("test_brand_new.py", "test_x", fixtures=["server_pool"]),
        fake_item("test_browser.py", "test_page"),
    ]
    assert selected(items, quick=True, topic=None) == items[:1]


def test_topic_keeps_its_tests_and_the_site_checks():
    hello = SimpleNamespace(topic="hello")
    items = [
        fake_item("test_contracts.py", "test_page_shows_what_the_app_answers", app=hello),
        fake_item(
            "test_contracts.py", "test_page_shows_what_the_app_answers", app=SimpleNamespace(topic="auth")
        ),
        fake_item("test_hello.py", "test_own"),
        fake_item("test_site.py", "test_strict_build_passes"),
        fake_item("test_browser.py", "test_page", app=hello),
    ]
    assert selected(items, quick=False, topic="hello") == [items[0], items[2], items[3]]


def test_every_module_that_starts_servers_itself_is_tiered():
    """A test module calling running_servers directly (not through the pool) must be in TIER_OF,
    or its servers would start in the quick loop."""
    listed = {key.partition("::")[0] for key in TIER_OF}
    starting = sorted(
        path.name
        for path in TESTS.glob("test_*.py")
        if path.name != Path(__file__).name and "running_servers(" in path.read_text()
    )
    assert starting
    assert [name for name in starting if name not in listed] == []
