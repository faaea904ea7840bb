"""The GitHub Actions workflows: valid, pinned, and running what the README promises.

CI cannot be run here, so the files are checked the way GitHub would read
them: against the workflow JSON schema check-jsonschema vendors (actionlint
cannot be installed here: its PyPI package downloads its binary from GitHub),
with the job-timeout schema beside it, and with the semantic checks in
support/workflows.py that no schema can do.
"""

import subprocess
import sys

import pytest

from support.paths import ROOT
from support.workflows import load, problems, step_using, steps

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
README_TEST_COMMAND = "python3.11 scripts/dev.py test"


def test_there_are_workflows_for_ci_and_the_deploy():
    assert {"ci.yml", "docs.yml"} <= {path.name for path in WORKFLOWS}


# Every job must set timeout-minutes: a hung server test should not hold a runner for six hours.
@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_workflows_match_the_schema(schema):
    result = check_schema(WORKFLOWS, schema)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_has_no_semantic_problem(workflow):
    assert problems(load(workflow)) == []


def test_ci_runs_the_readmes_test_command_through_ci_run():
    assert README_TEST_COMMAND in (ROOT / "README.md").read_text()
    assert README_TEST_COMMAND in (ROOT / ".ci" / "run").read_text().splitlines()
    workflow = load(ROOT / ".github" / "workflows" / "ci.yml")
    assert set(workflow[True]) == {"pull_request", "push"}  # PyYAML reads the key `on` as True
    runs = [step for step in steps(workflow, "test") if "run" in step]
    assert [step["run"] for step in runs] == ["bash .ci/run"]
    assert runs[0]["env"]["CI"] == "true"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_checkout_fetches_the_whole_history_for_git_dates(workflow):
    """A shallow clone makes the date plugin warn on GitHub Actions, which fails the strict build."""
    checkout = step_using(load(workflow), "actions/checkout")
    assert checkout is not None
    assert checkout.get("with", {}).get("fetch-depth") == 0


def test_deploy_builds_strictly_and_publishes_with_the_pages_actions():
    workflow = load(ROOT / ".github" / "workflows" / "docs.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    build = next(step for step in steps(workflow, "build") if "mkdocs build" in step.get("run", ""))
    assert build["run"].split()[-2:] == ["build", "--strict"]
    assert build["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert build["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    assert step_using(workflow, "actions/upload-pages-artifact")["with"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert step_using({"jobs": {"deploy": deploy}}, "actions/deploy-pages") is not None
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert workflow["concurrency"]["group"] == "pages"


def check_schema(paths, schema="vendor.github-workflows"):
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def broken(name: str, old: str, new: str) -> str:
    text = (ROOT / ".github" / "workflows" / name).read_text()
    assert old in text, f"{name} no longer holds {old!r}; pick another mistake"
    return text.replace(old, new, 1)


# Each check above, shown to fail on a mistake it exists for.
SCHEMA_MISTAKES = {
    "misspelt key": ("ci.yml", "vendor.github-workflows", "runs-on:", "run-on:"),
    "no timeout": ("docs.yml", "custom.github-workflows-require-timeout", "timeout-minutes: 10\n", ""),
}
SEMANTIC_MISTAKES = {
    "unpinned action": ("ci.yml", "actions/checkout@v5", "actions/checkout", "not pinned"),
    "unbalanced expression": ("docs.yml", "github.repository }}", "github.repository }", "unbalanced"),
    "step that does not exist": ("docs.yml", "steps.pages.outputs", "steps.page.outputs", "no earlier step"),
    "context not available there": ("ci.yml", "github.workflow }}", "steps.x }}", "not available here"),
    "job that is not needed": (
        "docs.yml",
        "steps.deployment.outputs",
        "needs.biuld.outputs",
        "does not need",
    ),
}


@pytest.mark.parametrize("mistake", SCHEMA_MISTAKES)
def test_the_schema_check_catches(mistake, tmp_path):
    name, schema, old, new = SCHEMA_MISTAKES[mistake]
    path = tmp_path / name
    path.write_text(broken(name, old, new))
    assert check_schema([path], schema).returncode == 1


@pytest.mark.parametrize("mistake", SEMANTIC_MISTAKES)
def test_the_semantic_checks_catch(mistake, tmp_path):
    name, old, new, message = SEMANTIC_MISTAKES[mistake]
    path = tmp_path / name
    path.write_text(broken(name, old, new))
    found = problems(load(path))
    assert len(found) == 1 and message in found[0], found
