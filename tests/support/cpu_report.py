"""CPU seconds per tier and per topic, printed at the end of a run: where the suite's time goes.

Each test's share is the CPU time this process and the child processes it
reaped used while the test ran (set-up and tear-down included); under
xdist (the quick loop) each worker's figures, added up, with the
controller's own (the site build) as site-wide. The
background lane's builds run in the same process, so a test that overlapped
one is charged a little of it: the figures rank the tiers and topics, they
are not a profile. Run the suite with `-p no:support.cpu_report` to leave
the table out.
"""

import os
from collections import Counter

import pytest

from harness.suite import IN_PROCESS_TIER

from .parallel import controller_cpu, is_controller, send, shares
from .tiers import tier_of, topics_of

BY_TIER = pytest.StashKey[Counter]()
BY_TOPIC = pytest.StashKey[Counter]()
TOPICS_SHOWN = 10
SITE_WIDE = "(site-wide)"  # the tests about no topic


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    started = cpu_seconds()
    try:
        return (yield)
    finally:
        spent = cpu_seconds() - started
        tier = tier_of(item)
        item.config.stash.setdefault(BY_TIER, Counter())[tier] += spent
        for topic in topics_of(item) or {SITE_WIDE}:
            item.config.stash.setdefault(BY_TOPIC, Counter())[topic] += spent / max(1, len(topics_of(item)))


def pytest_sessionfinish(session: pytest.Session) -> None:
    send(session.config, "cpu_by_tier", dict(session.config.stash.get(BY_TIER, Counter())))
    send(session.config, "cpu_by_topic", dict(session.config.stash.get(BY_TOPIC, Counter())))


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    # Under xdist the controller runs no test: the figures are the workers' added up, and the
    # controller's own (the site build, handing out the tests) counts as site-wide work.
    by_tier = sum(map(Counter, shares(config, "cpu_by_tier")), config.stash.get(BY_TIER, Counter()))
    if not by_tier:
        return
    by_topic = sum(map(Counter, shares(config, "cpu_by_topic")), config.stash.get(BY_TOPIC, Counter()))
    if is_controller(config):
        by_tier[IN_PROCESS_TIER] += controller_cpu(config)
        by_topic[SITE_WIDE] += controller_cpu(config)
    terminalreporter.section("CPU seconds")
    terminalreporter.write_line(
        "(each test process and the children it reaped, charged to the test running at the time:"
        " the background builds and audits fall on the tests they overlapped)"
    )
    terminalreporter.write_line(
        "by tier: " + ", ".join(f"{tier} {seconds:.1f}" for tier, seconds in by_tier.most_common())
    )
    terminalreporter.write_line(
        f"by topic (the {TOPICS_SHOWN} costliest): "
        + ", ".join(f"{topic} {seconds:.1f}" for topic, seconds in by_topic.most_common(TOPICS_SHOWN))
    )
