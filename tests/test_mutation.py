"""The mutation run (harness/mutation.py): what each mutant is checked by, its report, and that it only
ever writes mutants into a copy, so a run stopped halfway leaves the working tree as it was."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cosmic_ray.work_item
import pytest
from cosmic_ray.mutating import mutate_code
from cosmic_ray.work_item import WorkerOutcome, WorkResult

from harness import mutation
from harness.mutation import (
    OUT_OF_PROCESS_TIERS,
    SITE_CHECKS,
    TIMED_OUT,
    Mutant,
    ReplaceString,
    TopicRun,
    TopicTests,
    markdown_report,
    outcome_of,
    spread,
    text_report,
)
from harness.processes import descendants, processes, with_default_sigint
from harness.project import ROOT, SNIPPETS
from support import tiers
from support.scaffold import clean_environment

# Imported under pytest's name for test classes, it would be collected as one.
Outcome = cosmic_ray.work_item.TestOutcome

# no_cover: no snippet code runs in this process, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover


def test_a_mutant_is_checked_by_every_test_of_its_topic_that_runs_in_process():
    """--topic leaves out some tiers, the run the others: a new tier must be placed in one or the other."""
    assert set(OUT_OF_PROCESS_TIERS) | set(tiers.LEFT_OUT_OF_A_TOPIC) == set(tiers.TIERS)
    assert not set(OUT_OF_PROCESS_TIERS) & set(tiers.LEFT_OUT_OF_A_TOPIC)
    assert SITE_CHECKS == tiers.SITE_CHECKS


@pytest.mark.parametrize("example", ReplaceString.examples(), ids=lambda example: example.pre_mutation_code)
def test_replace_string_alters_the_string_it_points_at(example):
    assert mutate_code(example.pre_mutation_code, ReplaceString(), example.occurrence) == (
        example.post_mutation_code
    )


def test_replace_string_leaves_docstrings_and_f_strings_alone():
    code = '"""Module."""\n\n\ndef f():\n    """Function."""\n    return f"{1}"\n'
    assert mutate_code(code, ReplaceString(), 0) is None


def test_a_sample_is_spread_over_the_list():
    assert spread(list(range(10)), 3) == [0, 3, 6]
    assert spread(list(range(3)), 5) == [0, 1, 2]
    assert spread(list(range(3)), None) == [0, 1, 2]


def result(test_outcome, output="", worker=WorkerOutcome.NORMAL):
    return WorkResult(worker_outcome=worker, test_outcome=test_outcome, output=output)


def test_each_result_has_one_outcome():
    assert outcome_of(result(Outcome.KILLED, "1 failed")) == "killed"
    assert outcome_of(result(Outcome.KILLED, TIMED_OUT)) == TIMED_OUT
    assert outcome_of(result(Outcome.SURVIVED, "3 passed")) == "survived"
    assert outcome_of(result(Outcome.INCOMPETENT, worker=WorkerOutcome.EXCEPTION)) == "incompetent"
    assert outcome_of(WorkResult(worker_outcome=WorkerOutcome.NO_TEST)) == "incompetent"


FLASK_APP = "snippets/cors/flask_app.py"
DIFF = f"--- a/{FLASK_APP}\n+++ b/{FLASK_APP}\n@@ -12 +12 @@\n-    return 1\n+    return 2"


def finished_run() -> TopicRun:
    run = TopicRun("cors", found=5)
    run.mutants += [
        Mutant("cors", FLASK_APP, 12, "core/NumberReplacer", "list_items", "survived", DIFF),
        Mutant("cors", FLASK_APP, 11, "core/RemoveDecorator", None, "killed", ""),
        Mutant("cors", "snippets/cors/fastapi_app.py", 7, "core/AddNot", None, TIMED_OUT, ""),
    ]
    return run


def test_the_reports_show_each_survivor_with_its_diff_and_count_every_outcome():
    text = text_report([finished_run()])
    assert "snippets/cors/flask_app.py:12 core/NumberReplacer in list_items\n  --- a/snippets" in text
    assert text.splitlines()[-2].split() == ["cors", "5", "3", "1", "1", "1", "0"]
    assert text.splitlines()[-1].split() == ["all", "5", "3", "1", "1", "1", "0"]
    markdown = markdown_report([finished_run()], most=3, finished=False)
    assert "| cors | 5 | 3 | 1 | 1 | 1 | 0 |" in markdown
    assert "## cors: 1 survived" in markdown and f"```diff\n{DIFF}\n```" in markdown
    assert "At most 3 mutants a topic" in markdown and "Stopped before the end" in markdown
    assert "Stopped" not in markdown_report([finished_run()], most=None, finished=True)


def test_a_run_whose_unmutated_tests_fail_stops_with_their_output(monkeypatch, tmp_path, capsys):
    """Every mutant would be killed by tests that already fail: the run says so and exits 1."""
    monkeypatch.setattr(mutation, "copy_project", lambda destination: tmp_path)
    monkeypatch.setattr(mutation, "in_process_tests", lambda topic, copy: TopicTests(topic, ("t.py",), copy))
    monkeypatch.setattr(mutation, "run_tests", lambda tests, timeout: (Outcome.KILLED, "F\n1 failed in 0.1s"))
    assert mutation.main(["--topic", "hello"]) == 1
    error = capsys.readouterr().err
    assert "mutation: hello: the tests fail before any mutation:\nF\n1 failed in 0.1s" in error


def working_tree() -> tuple[str, dict[Path, bytes]]:
    """git's view of the working tree, and the bytes of every snippet module."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    return status, {path: path.read_bytes() for path in sorted(SNIPPETS.rglob("*.py"))}


def mutation_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "scripts.mutation", "--topic", "hello", *args]


def in_temporary(tmp_path: Path) -> dict[str, str]:
    """The environment, with the run's copy of the project made under tmp_path."""
    return {**clean_environment(), "TMPDIR": str(tmp_path)}


@pytest.mark.slow
def test_a_small_run_kills_mutants_reports_and_leaves_the_working_tree_alone(tmp_path):
    before = working_tree()
    report = tmp_path / "report" / "mutation.md"
    finished = subprocess.run(
        mutation_command("--max-mutants", "2", "--report", str(report)),
        cwd=ROOT,
        env=in_temporary(tmp_path),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "hello: 2 of " in finished.stdout
    summary = finished.stdout.splitlines()[-1].split()
    assert summary[0] == "all" and summary[2] == "2" and int(summary[3]) >= 1, finished.stdout  # killed
    assert report.read_text().startswith("# Mutation run over snippets/")
    assert "| hello |" in report.read_text()
    assert working_tree() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report"]  # the copy is gone


def wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)
    return condition()


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=lambda s: signal.Signals(s).name)
def test_a_run_stopped_while_a_mutant_is_tested_stops_its_tests_and_leaves_no_mutant(tmp_path, signum):
    """Stopped as Ctrl-C or a cancelled CI job would stop it, while a mutant's tests run: those tests
    stop too, the mutant was only ever in the copy, and the copy is removed."""
    before = working_tree()
    process = subprocess.Popen(
        mutation_command(),
        cwd=ROOT,
        env=in_temporary(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=with_default_sigint,
    )
    try:
        # Its first line comes once the unmutated tests passed: the next tests it runs are a mutant's.
        assert process.stdout.readline().startswith("hello: "), process.stderr.read()
        copy = next(tmp_path.glob("mutation-*/project"))

        def mutant_tests() -> list[int]:
            below = descendants(process.pid)
            return [each.pid for each in processes() if each.pid in below and "pytest" in each.command]

        testing = wait_for(mutant_tests, 30)
        assert testing, "no mutant's tests started"
        assert working_tree() == before  # the mutant is not here ...
        written = {path: path.read_bytes() for path in sorted((copy / "snippets").rglob("*.py"))}
        assert any(data != before[1][ROOT / path.relative_to(copy)] for path, data in written.items())  # ...
        os.kill(process.pid, signum)  # to the run only, as a terminal or a CI runner would send it
        assert process.wait(30) == 130, process.stderr.read()
        assert "stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    # At once: a mutant's tests take seconds, and would still run had the run not stopped them.
    assert not running(testing), "a mutant's tests still run"
    assert working_tree() == before
    assert list(tmp_path.iterdir()) == []


def running(pids: list[int]) -> list[int]:
    """Those of the processes that still run (a zombie has ended)."""
    return [each.pid for each in processes() if each.pid in pids and not each.zombie]
