"""Mutation testing of snippets/ with cosmic-ray: `python -m scripts.mutation [--topic NAME ...]`.

A mutant is one small change to one example module: a comparison or an
arithmetic operator swapped, a number moved by one, a `not` added, a
decorator removed, a string literal altered. The in-process tests of the
module's topic then run against it; a mutant they still pass is a survivor,
a change to an example that no test notices. Survivors are a report, not a
failure: the command exits 0 however many survive, 1 when the unmutated
tests already fail (a mutant could teach nothing), 2 on a bad argument.

Why cosmic-ray (pinned in requirements.txt), not mutmut: mutmut 3 mutates a
function by copying it beside a trampoline that picks the mutant at run time,
and it leaves every decorated function alone. Here that is every route and
exception handler (`@app.get(...)`, `@app.errorhandler(...)`), so it would
mutate little but middleware classes. Tried on snippets/hardening: mutmut
3.8.1 makes 32 mutants of fastapi_app.py, all in its middleware class and
none in its six handlers, and none at all of flask_app.py, whose code is all
handlers. cosmic-ray parses the whole module, writes one mutant at a time
back into the file and runs the tests, so a handler's body is mutated like
any other code (its core operators alone make 10 mutants in those FastAPI
handlers and 6 in the Flask ones), and so is its decorator (RemoveDecorator
unregisters the route). Its core operators never touch a
string, though, and in these examples the strings are most of the behaviour:
paths, keys, header names and values, origins. ReplaceString below adds that
operator (as mutmut's does: "abc" becomes "XXabcXX"), given to cosmic-ray as
the `project` operator provider.

How a run goes. The project's files (`copy_project`: tracked, or new and not
ignored, as they are in the working tree) are copied into a temporary folder,
and every mutant is written there: cosmic-ray writes each mutant over the
module itself, and a run stopped halfway (Ctrl-C, a CI timeout) must not
leave one in the working tree. There is one cosmic-ray session per topic,
over every module of snippets/<topic>/, because a topic is what the tests
select by (`--topic`), and a topic's variants import its apps (the
middleware crash apps import the middleware app). `cosmic-ray init`'s
function lists the mutants into the session; for each, the `exec` worker
(`mutate_and_test`) writes it, runs the topic's tests and restores the file.

The tests a mutant must fail are the topic's in-process ones: `--topic NAME`
less the tiers that start servers, time them or run mypy, and less the site
checks, which read the built pages. A few seconds each; a mutant they do not
notice could still fail a real-server test. Each topic's tests first run
unmutated: they must pass, and five times their time (at least 30 s) bounds
each mutant's run, which then counts as timed out. Generated input runs at
the --topic Hypothesis profile, with a new seed every run, so a mutant only
a rare input reaches can survive one week and not the next.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import cosmic_ray.commands
import cosmic_ray.mutating
import cosmic_ray.plugins
from cosmic_ray.operators.operator import Example, Operator
from cosmic_ray.work_db import use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkItem, WorkResult

from harness.project import copy_project, topic_problem, topics

# What a mutant's run leaves out beyond what --topic does (tests/support/tiers.py): the tiers that start
# servers, time them or run mypy, and the site checks --topic adds. tests/test_mutation.py holds these
# to the tiers, so that a new tier does not slip into every mutant's run.
OUT_OF_PROCESS_TIERS = ("servers", "timing", "per_topic")
SITE_CHECKS = ("test_site.py", "test_hosting.py", "test_lint.py")
MARKERS = " and ".join(f"not {tier}" for tier in OUT_OF_PROCESS_TIERS)

TIMEOUT_FACTOR = 5  # a mutant's tests may take this many times the unmutated run ...
MIN_TIMEOUT = 30.0  # ... and at least this many seconds
TIMED_OUT = "timed out"
OUTCOMES = ("killed", TIMED_OUT, "survived", "incompetent")
PROVIDER = "project"  # the name cosmic-ray gives this module's operators: project/ReplaceString


class Failure(Exception):
    """What stops the run: the unmutated tests fail, or cannot be listed."""


class ReplaceString(Operator):
    """Wrap a string literal's text in XX: a path, a key, a header or a message that is not what it was.

    Docstrings and other strings standing alone as a statement are left alone:
    changing one changes nothing a test could see.
    """

    def mutation_positions(self, node):
        if node.type != "string":
            return
        if not (node.parent.type == "simple_stmt" and node.parent.children[0] is node):
            yield node.start_pos, node.end_pos

    def mutate(self, node, index):
        value = node.value
        prefix = value[: len(value) - len(value.lstrip("bBrRuU"))]
        body = value[len(prefix) :]
        quote = body[:3] if body[:3] in ('"""', "'''") else body[0]
        node.value = f"{prefix}{quote}XX{body[len(quote) : -len(quote)]}XX{quote}"
        return node

    @classmethod
    def examples(cls):
        return (
            Example('x = "/items"', 'x = "XX/itemsXX"'),
            Example("x = rb''", "x = rb'XXXX'"),
            Example('"""Doc."""\nx = f("a", """b""")', '"""Doc."""\nx = f("a", """XXbXX""")', occurrence=1),
        )


OPERATORS = {"ReplaceString": ReplaceString}


@dataclass(frozen=True)
class TopicTests:
    """The command that runs one topic's in-process tests, in the copy of the project."""

    topic: str
    modules: tuple[str, ...]  # the test modules that hold them, relative to the copy
    copy: Path

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "--no-cov",
            "--topic",
            self.topic,
            "-m",
            MARKERS,
            *self.modules,
        ]


def environment() -> dict[str, str]:
    """This environment without an outer pytest's coverage plumbing, and with no bytecode written.

    A mutant can be as long as the code it replaces and written within the
    same second: a .pyc of the original would pass for it.
    """
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("COV_CORE_", "COVERAGE_", "PYTEST_"))
    }
    return {**kept, "PYTHONDONTWRITEBYTECODE": "1"}


def stop_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def run_tests(tests: TopicTests, timeout: float) -> tuple[TestOutcome, str]:
    """cosmic-ray's test runner for one mutant, made to stop the tests whatever stops this run.

    cosmic-ray's own (cosmic_ray.testing.run_tests) starts the tests in a
    session of their own and stops them on its timeout only, so Ctrl-C or a
    CI runner's SIGTERM would leave them running on the mutant. This one
    stops the tests' whole process group then too, before the interruption
    goes on. Any exit status but 0 kills the mutant (a failed test, or a
    module the mutant broke on import).
    """
    process = subprocess.Popen(
        tests.command,
        cwd=tests.copy,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_group(process)
        return TestOutcome.KILLED, TIMED_OUT
    except BaseException:
        stop_group(process)
        raise
    outcome = TestOutcome.SURVIVED if process.returncode == 0 else TestOutcome.KILLED
    return outcome, output.decode(errors="replace")


@contextlib.contextmanager
def cosmic_ray_for_this_project() -> Iterator[None]:
    """cosmic-ray with ReplaceString among its operators and run_tests as its test runner, for a run."""
    saved = cosmic_ray.mutating.run_tests
    cosmic_ray.plugins.OPERATOR_PROVIDERS[PROVIDER] = OPERATORS
    cosmic_ray.mutating.run_tests = run_tests
    try:
        yield
    finally:
        cosmic_ray.mutating.run_tests = saved
        del cosmic_ray.plugins.OPERATOR_PROVIDERS[PROVIDER]


def in_process_tests(topic: str, copy: Path) -> TopicTests:
    """The test modules holding the topic's in-process tests, as pytest lists them in the copy."""
    listed = subprocess.run(
        [*TopicTests(topic, (), copy).command, "--collect-only"],
        cwd=copy,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if listed.returncode != 0:
        output = tail(listed.stdout + listed.stderr)
        raise Failure(f"{topic}: pytest could not list the topic's tests:\n{output}")
    modules = {line.split("::")[0] for line in listed.stdout.splitlines() if "::" in line}
    return TopicTests(topic, tuple(sorted(m for m in modules if Path(m).name not in SITE_CHECKS)), copy)


def tail(output: str, lines: int = 30) -> str:
    return "\n".join(output.rstrip().splitlines()[-lines:])


def topic_modules(topic: str, copy: Path) -> list[Path]:
    """The modules of snippets/<topic>/ a mutant may change: all but the empty package markers."""
    return sorted(path for path in (copy / "snippets" / topic).rglob("*.py") if path.name != "__init__.py")


def list_mutants(modules: list[Path], session: Path) -> list[WorkItem]:
    """`cosmic-ray init` over the modules, with each operator that takes no argument: the mutants, sorted."""
    with use_db(str(session)) as work_db:
        cosmic_ray.commands.init(modules, work_db, {})
        items = list(work_db.work_items)

    def position(item: WorkItem):
        mutation = item.mutations[0]
        return str(mutation.module_path), mutation.start_pos, mutation.operator_name, mutation.occurrence

    return sorted(items, key=position)


def spread(items: list, most: int | None) -> list:
    """At most `most` of the items, evenly spaced from the first, so a sample covers every module."""
    if most is None or len(items) <= most:
        return items
    return [items[index * len(items) // most] for index in range(most)]


@dataclass(frozen=True)
class Mutant:
    topic: str
    path: str  # relative to the project: snippets/cors/flask_app.py
    line: int
    operator: str  # core/NumberReplacer, project/ReplaceString
    function: str | None  # the function or class it is in; None at module level
    outcome: str  # one of OUTCOMES
    diff: str


def outcome_of(result: WorkResult) -> str:
    if result.worker_outcome != WorkerOutcome.NORMAL or result.test_outcome == TestOutcome.INCOMPETENT:
        return "incompetent"  # the mutation could not be made, or the worker failed
    if result.test_outcome == TestOutcome.SURVIVED:
        return "survived"
    return TIMED_OUT if result.output == TIMED_OUT else "killed"


def mutant(item: WorkItem, result: WorkResult, topic: str, copy: Path) -> Mutant:
    mutation = item.mutations[0]
    path = Path(mutation.module_path).relative_to(copy).as_posix()
    # cosmic-ray's diff opens with a "--- mutation diff ---" line and names each file by its path in the copy.
    diff = "\n".join((result.diff or "").splitlines()[1:]).replace(f"{copy}/", "")
    return Mutant(
        topic,
        path,
        mutation.start_pos[0],
        mutation.operator_name,
        mutation.definition_name,
        outcome_of(result),
        diff,
    )


@dataclass
class TopicRun:
    topic: str
    found: int = 0  # mutants cosmic-ray listed
    baseline_seconds: float = 0.0
    mutants: list[Mutant] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(each.outcome == outcome for each in self.mutants)


def run_topic(run: TopicRun, copy: Path, most: int | None, say) -> None:
    """Check the topic's unmutated tests, then run each chosen mutant against them, adding it to `run`."""
    topic = run.topic
    tests = in_process_tests(topic, copy)
    if not tests.modules:
        raise Failure(f"{topic}: no in-process test selects it (pytest --topic {topic} -m {MARKERS!r})")
    started = time.monotonic()
    outcome, output = run_tests(tests, timeout=600)
    run.baseline_seconds = time.monotonic() - started
    if outcome != TestOutcome.SURVIVED:
        raise Failure(f"{topic}: the tests fail before any mutation:\n{tail(output)}")
    timeout = max(MIN_TIMEOUT, TIMEOUT_FACTOR * run.baseline_seconds)
    items = list_mutants(topic_modules(topic, copy), copy / f".mutation-{topic}.sqlite")
    run.found = len(items)
    chosen = spread(items, most)
    say(
        f"{topic}: {len(chosen)} of {run.found} mutants; its tests take {run.baseline_seconds:.1f} s "
        f"unmutated ({', '.join(tests.modules)}), {timeout:.0f} s at most each"
    )
    width = len(str(len(chosen)))
    for number, item in enumerate(chosen, 1):
        started = time.monotonic()
        result = cosmic_ray.mutating.mutate_and_test(item.mutations, tests, timeout)
        run.mutants.append(found := mutant(item, result, topic, copy))
        seconds = time.monotonic() - started
        say(f"  {number:>{width}}/{len(chosen)} {found.outcome:<11} {seconds:4.1f} s  {where(found)}")


def where(each: Mutant) -> str:
    return f"{each.path}:{each.line} {each.operator}" + (f" in {each.function}" if each.function else "")


def summary_rows(runs: list[TopicRun]) -> list[list[str]]:
    """Per topic, then for all: mutants listed, run, and each outcome."""
    rows = [
        [run.topic, str(run.found), str(len(run.mutants)), *(str(run.count(o)) for o in OUTCOMES)]
        for run in runs
    ]
    totals = [sum(int(row[column]) for row in rows) for column in range(1, 7)]
    return [*rows, ["all", *map(str, totals)]]


HEADERS = ["topic", "mutants", "run", *OUTCOMES]


def text_report(runs: list[TopicRun]) -> str:
    lines = []
    survivors = [each for run in runs for each in run.mutants if each.outcome == "survived"]
    if survivors:
        lines.append(f"Survivors ({len(survivors)}): changes no in-process test of their topic notices")
    for each in survivors:
        lines += ["", where(each), *(f"  {line}" for line in each.diff.splitlines())]
    rows = [HEADERS, *summary_rows(runs)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADERS))]
    lines.append("")
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def markdown_report(runs: list[TopicRun], most: int | None, finished: bool) -> str:
    lines = [
        "# Mutation run over snippets/",
        "",
        f"cosmic-ray {version('cosmic-ray')}, its core operators and ReplaceString (harness/mutation.py); "
        "each mutant against its topic's in-process tests."
        + (f" At most {most} mutants a topic, evenly spread." if most is not None else ""),
    ]
    if not finished:
        lines += ["", "**Stopped before the end**: only the topics below were run."]
    lines += [
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "---|" * len(HEADERS),
        *("| " + " | ".join(row) + " |" for row in summary_rows(runs)),
    ]
    for run in runs:
        survivors = [each for each in run.mutants if each.outcome == "survived"]
        if not survivors:
            continue
        lines += ["", f"## {run.topic}: {len(survivors)} survived", ""]
        for each in survivors:
            function = f" in `{each.function}`" if each.function else ""
            heading = f"`{each.path}:{each.line}` {each.operator}{function}"
            lines += [heading, "", "```diff", each.diff, "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of mutants, 1 or more: {text!r}")
    return number


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.mutation",
        description="Mutate the example modules under snippets/ and report the mutants that their "
        "topic's in-process tests do not notice. Exits 0 when mutants survive: they are a report.",
    )
    parser.add_argument(
        "--topic",
        action="append",
        metavar="NAME",
        help="a topic (snippets/NAME) to mutate; repeat for more (default: every topic)",
    )
    parser.add_argument(
        "--max-mutants",
        type=positive,
        metavar="N",
        help="run at most N mutants of each topic, evenly spread over its modules (default: all)",
    )
    parser.add_argument("--report", type=Path, metavar="FILE", help="also write the report here, as Markdown")
    options = parser.parse_args(argv)
    for name in options.topic or ():
        if problem := topic_problem(name):
            parser.error(f"--topic {name}: {problem}")
    return options


def interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str]) -> int:
    options = parse(argv)
    chosen = list(dict.fromkeys(options.topic or topics()))
    runs: list[TopicRun] = []
    finished = False

    def say(line: str) -> None:
        print(line, flush=True)

    def write_report() -> None:
        if options.report is not None:
            options.report.parent.mkdir(parents=True, exist_ok=True)
            options.report.write_text(markdown_report(runs, options.max_mutants, finished))

    # A CI runner that cancels the job sends SIGTERM: stop as on Ctrl-C, with the report of what was run.
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        with tempfile.TemporaryDirectory(prefix="mutation-") as folder, cosmic_ray_for_this_project():
            copy = copy_project(Path(folder) / "project")
            for topic in chosen:
                runs.append(run := TopicRun(topic))
                run_topic(run, copy, options.max_mutants, say)
                write_report()
        finished = True
    except Failure as problem:
        print(f"mutation: {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mutation: stopped; the report covers the topics that were finished", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        write_report()
        if runs:
            print(text_report(runs))
    return 0
