"""harness/changes.py: which topics a change touches against the default branch, in a throwaway clone."""

import subprocess

import pytest

from harness.changes import changed_topics

pytestmark = pytest.mark.no_cover

FILES = {
    "snippets/alpha/flask_app.py": "app = None\n",
    "snippets/beta/fastapi_app.py": "app = None\n",
    "docs/topics/beta-page.md": '# Beta\n\n--8<-- "beta/fastapi_app.py"\n',
    "tests/test_alpha.py": "",
    "harness/tool.py": "",
}


def git(folder, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


@pytest.fixture
def clone(tmp_path):
    """A clone of a repository holding two topics, so that it has origin/HEAD as a contributor's does."""
    upstream = tmp_path / "upstream"
    for name, text in FILES.items():
        (upstream / name).parent.mkdir(parents=True, exist_ok=True)
        (upstream / name).write_text(text)
    git(tmp_path, "init", "-q", "-b", "main", str(upstream))
    git(upstream, "add", "-A")
    git(upstream, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "start")
    git(tmp_path, "clone", "-q", str(upstream), str(tmp_path / "clone"))
    return tmp_path / "clone"


@pytest.mark.parametrize(
    ("changed", "topics"),
    [
        (["snippets/alpha/flask_app.py"], {"alpha"}),
        (["tests/test_alpha.py"], {"alpha"}),
        (["docs/topics/beta-page.md"], {"beta"}),
        (["snippets/alpha/flask_app.py", "docs/topics/beta-page.md"], {"alpha", "beta"}),
        (["snippets/beta/http/new.request.http"], {"beta"}),
    ],
)
def test_a_change_in_a_topic_selects_that_topic(clone, changed, topics):
    for name in changed:
        path = clone / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(path.read_text() + "\n" if path.exists() else "new\n")
    assert changed_topics(clone).topics == topics


@pytest.mark.parametrize("changed", ["harness/tool.py", "mkdocs.yml", "tests/support.py"])
def test_a_change_outside_the_topics_selects_every_topic(clone, changed):
    (clone / changed).write_text("changed\n")
    changes = changed_topics(clone)
    assert changes.topics is None
    assert changed in changes.reason


def test_a_commit_counts_as_a_change(clone):
    (clone / "snippets/beta/fastapi_app.py").write_text("app = 1\n")
    git(clone, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "beta")
    assert changed_topics(clone).topics == {"beta"}


def test_nothing_changed_or_no_default_branch_selects_every_topic(clone):
    assert changed_topics(clone).topics is None
    git(clone, "remote", "remove", "origin")
    (clone / "snippets/alpha/flask_app.py").write_text("app = 1\n")
    changes = changed_topics(clone)
    assert changes.topics is None
    assert "no default branch" in changes.reason
