"""Checks on GitHub Actions workflows that their JSON schema cannot express.

The schema says which keys a workflow may have; it takes `uses: actions/checkout`
(no version) and `${{ steps.page.outputs.base_url }}` (a step that does not
exist, a typo GitHub only reports when the run reaches that step) without a
word. These checks are modest on purpose: pinned actions, balanced
expressions, contexts that exist where they are used, and `steps.<id>` and
`needs.<id>` that name a real step or job.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

# Where each context may be used, after GitHub's table "Context availability":
# https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#context-availability
# Keys are paths into the workflow, "*" standing for a job id or a step's index.
_JOB = {"github", "needs", "strategy", "matrix", "vars", "inputs"}
_STEP = _JOB | {"job", "runner", "env", "secrets", "steps"}
CONTEXTS_BY_KEY = {
    ("run-name",): {"github", "inputs", "vars"},
    ("concurrency",): {"github", "inputs", "vars"},
    ("env",): {"github", "secrets", "inputs", "vars"},
    ("jobs", "*", "if"): {"github", "needs", "vars", "inputs"},
    ("jobs", "*", "runs-on"): _JOB,
    ("jobs", "*", "container"): _JOB,
    ("jobs", "*", "concurrency"): _JOB,
    ("jobs", "*", "timeout-minutes"): _JOB,
    ("jobs", "*", "environment"): _JOB,
    ("jobs", "*", "environment", "url"): _STEP,
    ("jobs", "*", "env"): _JOB | {"secrets"},
    ("jobs", "*", "outputs"): _JOB | {"job", "runner", "env", "secrets", "steps"},
    ("jobs", "*", "steps"): _STEP,
}
FUNCTIONS_AND_LITERALS = {
    "contains", "startsWith", "endsWith", "format", "join", "toJSON", "fromJSON", "hashFiles",
    "success", "always", "cancelled", "failure", "case", "true", "false", "null",
}  # fmt: skip

# owner/repo[/path]@vN[.N[.N]], or @ a full commit hash; a local action (./...) needs no version.
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
STRING_LITERAL = re.compile(r"'(?:[^']|'')*'")
NAME = re.compile(r"(?<![\w.-])([A-Za-z_][\w-]*)(\s*\()?")


@dataclass(frozen=True)
class Value:
    """A string somewhere in a workflow, with the keys that lead to it."""

    path: tuple[str, ...]
    text: str

    @property
    def where(self) -> str:
        return ".".join(self.path)


def load(path: Path) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); the checks below never need it.
    return yaml.safe_load(path.read_text())


def strings(node, path: tuple[str, ...] = ()) -> Iterator[Value]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, (*path, str(index)))
    elif isinstance(node, str):
        yield Value(path, node)


def allowed_contexts(path: tuple[str, ...]) -> set[str] | None:
    """The contexts allowed at `path`, from the longest matching key; None if no key says."""
    generic = list(path)
    if generic[:1] == ["jobs"] and len(generic) > 1:
        generic[1] = "*"  # the job's id
        if generic[2:3] == ["steps"] and len(generic) > 3:
            generic[3] = "*"  # the step's index
    generic = tuple(generic)
    for length in range(len(generic), 0, -1):
        if generic[:length] in CONTEXTS_BY_KEY:
            return CONTEXTS_BY_KEY[generic[:length]]
    return None


def context_names(expression: str) -> set[str]:
    """The contexts an expression reads: names not after a dot, not called, not literals."""
    without_strings = STRING_LITERAL.sub("''", expression)
    return {
        match.group(1)
        for match in NAME.finditer(without_strings)
        if not match.group(2) and match.group(1) not in FUNCTIONS_AND_LITERALS
    }


def expression_problems(value: Value) -> Iterator[str]:
    expressions = EXPRESSION.findall(value.text)
    if value.text.count("${{") != len(expressions) or value.text.count("}}") != len(expressions):
        yield f"{value.where}: unbalanced ${{{{ }}}} in {value.text!r}"
    allowed = allowed_contexts(value.path)
    for expression in expressions:
        names = context_names(expression)
        if allowed is not None and names - allowed:
            yield f"{value.where}: {sorted(names - allowed)} not available here (in {expression.strip()!r})"


def reference_problems(job_id: str, job: dict, jobs: dict) -> Iterator[str]:
    """`steps.<id>` must name an earlier step of the job, `needs.<id>` a job it needs."""
    needs = job.get("needs", [])
    needs = {needs} if isinstance(needs, str) else set(needs)
    for need in needs - set(jobs):
        yield f"jobs.{job_id}.needs: no job {need!r}"
    earlier_steps: set[str] = set()
    all_steps = {step.get("id") for step in job.get("steps", [])}
    parts = [(("steps", str(index)), step) for index, step in enumerate(job.get("steps", []))]
    parts += [((key,), job[key]) for key in ("environment", "outputs") if key in job]
    for keys, node in parts:
        for value in strings(node, ("jobs", job_id, *keys)):
            for expression in EXPRESSION.findall(value.text):
                stripped = STRING_LITERAL.sub("''", expression)
                for step in re.findall(r"(?<![\w.-])steps\.([\w-]+)", stripped):
                    # A step reads the steps before it; the environment and outputs read them all.
                    known = earlier_steps if keys[0] == "steps" else all_steps
                    if step not in known:
                        yield f"{value.where}: no earlier step with id {step!r}"
                for need in re.findall(r"(?<![\w.-])needs\.([\w-]+)", stripped):
                    if need not in needs:
                        yield f"{value.where}: job does not need {need!r}"
        if keys[0] == "steps" and node.get("id"):
            earlier_steps.add(node["id"])


def problems(workflow: dict) -> list[str]:
    found = []
    for value in strings(workflow):
        found += expression_problems(value)
        if value.path[-1:] == ("uses",) and not value.text.startswith("./") and not PINNED.match(value.text):
            found.append(f"{value.where}: {value.text!r} is not pinned to a version (owner/repo@vN)")
    jobs = workflow.get("jobs", {})
    for job_id, job in jobs.items():
        found += reference_problems(job_id, job, jobs)
    return found


def steps(workflow: dict, job_id: str) -> list[dict]:
    return workflow["jobs"][job_id].get("steps", [])


def step_using(workflow: dict, action: str) -> dict | None:
    """The first step in any job whose `uses:` is `action` at some version."""
    for job in workflow.get("jobs", {}).values():
        for step in job.get("steps", []):
            if step.get("uses", "").split("@")[0] == action:
                return step
    return None
