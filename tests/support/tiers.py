"""Which tests need more than the test process, declared once: the tiers, what --quick and --topic keep.

tests/conftest.py applies the markers and the selection; nothing else lists
tests by speed. A test that uses the server pool is in the `servers` tier
whether or not it is listed, so a new real-server test cannot slip into the
quick loop.
"""

from support.apps import all_apps

# marker -> what the tests carrying it need; --quick leaves them all out.
TIERS = {
    "servers": "start real servers (uvicorn, gunicorn, Flask's) on 127.0.0.1",
    "timing": "time concurrent requests against real servers",
    "browser": "drive Chromium (Playwright, axe-core, Lighthouse)",
    "bench": "run the benchmark pipeline with wrk",
    "slow": "build with Zensical, or run other programs for several seconds",
    "scaffold": "scaffold a topic in a copy of the project and test it there",
}
# The order the tiers run in: what this process does alone first, while the
# background lane (tests/support/background.py) builds and audits on the other
# core; then real servers and timings; the browser, which keeps both cores
# busy, last.
RUN_ORDER = ("", "slow", "servers", "timing", "bench", "scaffold", "browser")
# Which tests are in which tier: a module, or a module and a test name's start.
TIER_OF = {
    "test_real_servers.py": ["servers"],
    "test_concurrency.py::test_scenario_runs_as_the_page_says": ["servers", "timing"],
    "test_concurrency.py::test_the_thread_pool_is_shared": ["servers", "timing"],
    "test_io_wait.py::test_article_examples_under_their_production_servers": ["servers", "timing"],
    "test_quart.py::test_the_waits_overlap_under_hypercorn": ["servers", "timing"],
    "test_websocket_echo.py::test_echo_under_the_production_server": ["servers"],
    "test_background_tasks.py::test_when_the_slow_task_runs": ["servers", "timing"],
    "test_deployment.py::test_command_serves_the_app": ["servers"],
    "test_database.py::test_over_a_socket": ["servers"],
    "test_async_database.py::test_a_slow_query": ["servers", "timing"],
    "test_lifespan.py::test_each_server_opens_and_closes_pools_as_the_table_says": ["servers"],
    "test_streaming.py::test_events_arrive_one_by_one": ["servers", "timing"],
    "test_streaming.py::test_a_client_that_leaves_stops_the_producer": ["servers", "timing"],
    "test_streaming.py::test_what_an_open_stream_holds": ["servers", "timing"],
    "test_streaming.py::test_the_sync_worker_cuts_a_stream": ["servers", "timing"],
    "test_hardening.py::test_a_declared_body_over_the_limit_is_refused_at_once": ["servers", "timing"],
    "test_uploads.py::test_the_limit_over_a_real_socket": ["servers"],
    "test_bench.py": ["bench"],
    "test_browser.py": ["browser"],
    "test_lighthouse.py": ["browser"],
    "test_zensical.py": ["slow"],
    "test_pre_commit.py": ["slow"],
    "test_workflows.py": ["slow"],
    "test_scripts.py": ["slow"],
    "test_link_checker.py": ["slow"],  # Node.js and a built site
    "test_inline_examples.py::test_a_failing_inline_example": ["slow"],
    # mypy: 20 to 30 s without its cache (.cache/mypy), as in CI or a fresh clone; 2 s with it.
    "test_type_check.py::test_mypy": ["slow"],
    # llms.txt: its plugin is most of the build's time, so quick builds leave it out (QUICK_BUILD).
    "test_hosting.py::test_llms_txt": ["slow"],
    "test_hosting.py::test_every_tabbed_block_keeps_its_framework_in_the_llms": ["slow"],
    "test_new_topic.py::test_a_scaffolded_topic": ["scaffold"],
}
# Modules that never run a snippet's code: coverage (of snippets/) pauses while
# their tests run, since tracing makes all Python about twice as slow. Had one
# run snippet code after all, the 100% gate would fail, not pass.
RUN_NO_SNIPPET_CODE = (
    "test_site.py",
    "test_hosting.py",
    "test_lint.py",
    "test_new_topic.py",
    "test_scripts.py",
    "test_pre_commit.py",
    "test_workflows.py",
    "test_zensical.py",
    "test_browser.py",
    "test_lighthouse.py",
    "test_bench.py",
    "test_bench_analysis.py",
    "test_bench_claims.py",
    "test_contract_support.py",
    "test_latest.py",
    "test_link_checker.py",
    "test_tiers.py",
    "test_background.py",
)
# Checks of the whole site that --topic runs too: a new page must build and be tested.
SITE_CHECKS = ("test_site.py", "test_hosting.py", "test_lint.py")
LEFT_OUT_OF_A_TOPIC = ("bench", "browser", "slow", "scaffold")
# Fixtures that start real servers (tests/support/server_pool.py).
SERVER_FIXTURES = {"served", "server_pool"}


def tiers_of(item) -> list[str]:
    """The tiers an item is in: those TIER_OF lists for it, and `servers` if it uses the server pool."""
    module = item.path.name
    tiers = [
        tier
        for key, listed in TIER_OF.items()
        if key == module or (key.startswith(f"{module}::") and item.name.startswith(key.split("::", 1)[1]))
        for tier in listed
    ]
    if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())) and "servers" not in tiers:
        tiers.append("servers")
    return tiers


def topics_of(item) -> set[str]:
    """The topics a test is about: its module's, or those of the apps, exchanges or rows it is given."""
    topics = set()
    if item.path.name.startswith("test_") and item.path.stem.removeprefix("test_") in _TOPICS:
        topics.add(item.path.stem.removeprefix("test_"))
    for value in getattr(getattr(item, "callspec", None), "params", {}).values():
        for candidate in (value, getattr(value, "app", None)):
            topic = getattr(candidate, "topic", None)
            if isinstance(topic, str):
                topics.add(topic)
    return topics


_TOPICS = {app.topic for app in all_apps()}


def module_tiers(module: str) -> list[str]:
    """The tiers of a whole module (`TIER_OF` keys without a test name)."""
    return TIER_OF.get(module, [])


def run_rank(item) -> int:
    """Where an item runs in the whole suite: by RUN_ORDER of its slowest tier."""
    return max((RUN_ORDER.index(tier) for tier in tiers_of(item)), default=0)


def selected(items: list, quick: bool, topic: str | None) -> list:
    """The items --quick or --topic NAME keeps (all of them with neither)."""
    if quick:
        return [item for item in items if not tiers_of(item)]
    if topic is not None:
        return [
            item
            for item in items
            if not set(tiers_of(item)) & set(LEFT_OUT_OF_A_TOPIC)
            and (topic in topics_of(item) or (item.path.name in SITE_CHECKS and not topics_of(item)))
        ]
    return list(items)
