"""Scaffold a new topic: both apps, the exchange they show, the table, the test module, the page and nav.

A topic is the same few pieces every time (see CONTRIBUTING.md): a FastAPI and
a Flask module under snippets/<name>/, the exchange and bad-input table the
page shows, tests/test_<name>.py holding both apps to one answer, a page under
docs/topics/ with the FastAPI/Flask tab pair, and its entry under Topics in
mkdocs.yml. Writing them by hand is where conventions slip; this script writes
a small working example that passes the whole suite as generated, so a
contributor starts from green and changes one piece at a time.

It uses only the standard library (scripts/new_topic.py runs it before .venv
exists). Bad input changes nothing: every check runs before the first file
is written, and a failed write removes what was written.
"""

import argparse
import importlib.util
import keyword
import re
import sys
from pathlib import Path
from string import Template

from harness.project import ROOT, pinned_requirements

MKDOCS_YML = ROOT / "mkdocs.yml"
NAME = re.compile(r"[a-z][a-z0-9_]*")
# Titles go into YAML (nav, front matter), a Markdown heading and a Python
# docstring; these characters are safe in all of them once double-quoted.
TITLE_PUNCTUATION = set(" ,.'()/&+-?!")
MAX_TITLE = 60  # keeps the page's description under 160 characters
NAV_SECTION = "Topics"

# A neutral skeleton: one endpoint that returns the query parameter `value`,
# so nothing in it needs renaming before the topic's own example replaces it.
FASTAPI_APP = Template('''\
"""The topic's example on FastAPI: replace it with the topic's own, and say here why it is written so.

Topic: $title
"""

from fastapi import FastAPI

app = FastAPI()


@app.get("/$name")
def read_value(value: str = "default"):
    return {"value": value}
''')

FLASK_APP = Template('''\
"""The topic's example on Flask: replace it with the topic's own, and say here why it is written so.

Topic: $title
"""

from flask import Flask, request

app = Flask(__name__)


@app.get("/$name")
def read_value():
    return {"value": request.args.get("value", "default")}
''')

CASE = "example"
REQUEST = Template("GET /$name?value=1 HTTP/1.1\n")

RESPONSE = """\
HTTP/1.1 200
content-type: application/json

{
  "value": "1"
}
"""

BAD_INPUT = Template("""\
| Case | Request | FastAPI | Flask |
|---|---|--:|--:|
| a value | `GET /$name?value=1` | 200 | 200 |
| no value | `GET /$name` | 200 | 200 |
| another method | `POST /$name` | 405 | 405 |
| an unknown path | `GET /nowhere` | 404 | 404 |
""")

TEST_MODULE = Template('''\
"""Both apps give the same answer, also to requests the page does not show.

Topic: $title

tests/test_contracts.py and tests/test_real_servers.py check the shown
exchange and snippets/$name/bad_input.md against each app; this module holds
the FastAPI and the Flask app to one answer for each request below.
"""

import pytest

from harness.apps import topic_apps
from support.clients import in_process_client


@pytest.mark.parametrize("query", ["", "?value=1", "?value=", "?value=Zo%C3%AB"])
def test_both_frameworks_give_the_same_answer(query):
    answers = []
    for app in topic_apps("$name"):
        response = in_process_client(app).get(f"/$name{query}")
        answers.append((response.status_code, response.json()))
    assert len(answers) == 2
    assert answers[0] == answers[1]
''')

PAGE = Template("""\
---
description: "$title in FastAPI and in Flask side by side; every example is run by the tests."
---

# $title

!!! abstract "In short"

    - Replace these bullets with the answer to the page's question, for a
      reader arriving from a search: what holds in each framework, for
      which versions, each with a link to the section that shows it.
    - Until then, both apps answer `GET /$name` with the query parameter
      `value`, or "default" without one ([the example](#example)).

## Example

=== "FastAPI"

    ```python title="FastAPI: snippets/$name/fastapi_app.py"
    --8<-- "$name/fastapi_app.py"
    ```

    ```http title="FastAPI: request"
    --8<-- "$name/http/$case.request.http"
    ```

    ```http title="FastAPI: response"
    --8<-- "$name/http/$case.fastapi.http"
    ```

=== "Flask"

    ```python title="Flask: snippets/$name/flask_app.py"
    --8<-- "$name/flask_app.py"
    ```

    ```http title="Flask: request"
    --8<-- "$name/http/$case.request.http"
    ```

    ```http title="Flask: response"
    --8<-- "$name/http/$case.flask.http"
    ```

What each app answers to other requests:

--8<-- "$name/bad_input.md"

??? info "How this page is tested"

    - Both apps give the shown answer, in process and under their
      production servers: `tests/test_contracts.py`,
      `tests/test_real_servers.py`.
    - The topic's own claims: `tests/test_$name.py`.
""")


class ScaffoldError(Exception):
    """The repository is not in a state the scaffold can extend (not bad arguments)."""


def page_name(name: str) -> str:
    return name.replace("_", "-")


def taken_module_names() -> set[str]:
    """Distributions pinned in requirements.txt, as import names would spell them."""
    requirements = ROOT / "requirements.txt"
    pins = pinned_requirements(requirements) if requirements.exists() else {}
    return {name.replace("-", "_").replace(".", "_") for name in pins}


def name_problem(name: str) -> str | None:
    """Why NAME cannot be a new topic, or None."""
    if not NAME.fullmatch(name):
        return f"topic name {name!r} must be a lowercase Python identifier (a-z, 0-9, _; a letter first)"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"topic name {name!r} is a Python keyword"
    # snippets/<name>/ is a package: it must not shadow a module an app imports.
    if name in sys.stdlib_module_names or name in taken_module_names() or importlib.util.find_spec(name):
        return f"topic name {name!r} is the name of a Python module or package; choose another"
    for existing in (
        ROOT / "snippets" / name,
        ROOT / "tests" / f"test_{name}.py",
        ROOT / "docs" / "topics" / f"{page_name(name)}.md",
    ):
        if existing.exists():
            return f"topic {name!r} exists already: {existing.relative_to(ROOT)}"
    return None


def title_problem(title: str) -> str | None:
    """Why TITLE cannot title a page, or None."""
    if not title.strip():
        return "the title is empty"
    if title != title.strip():
        return f"title {title!r} starts or ends with white space"
    if not title[0].isalnum():
        return f"title {title!r} must start with a letter or digit"
    unsafe = sorted({char for char in title if not (char.isalnum() or char in TITLE_PUNCTUATION)})
    if unsafe:
        allowed = "".join(sorted(TITLE_PUNCTUATION - {" "}))
        shown = " ".join(map(repr, unsafe))
        return f"title {title!r} contains {shown}; use letters, digits, spaces and {allowed}"
    if len(title) > MAX_TITLE:
        return f"title {title!r} is longer than {MAX_TITLE} characters"
    return None


# Plain YAML scalars that a YAML 1.1 reader (PyYAML, so MkDocs) reads as
# something other than text: booleans, null and numbers.
NOT_TEXT_IN_YAML = re.compile(
    r"(?i:y|n|yes|no|true|false|on|off|null|~)"
    r"|[-+]?(\d[\d_]*(\.[\d_]*)?([eE][-+]?\d+)?|\.\d[\d_]*([eE][-+]?\d+)?|0x[\da-fA-F_]+|0o?[0-7_]+)"
    r"|[-+]?\.(?i:inf|nan)"
)


def nav_entry(title: str, page: str) -> str:
    """`- Title: topics/page.md`, as the other entries are written; quoted where YAML would not read text."""
    shown = f'"{title}"' if NOT_TEXT_IN_YAML.fullmatch(title) else title
    return f"- {shown}: topics/{page}.md"


def nav_titles(config: str) -> set[str]:
    return {match.group(1) for match in re.finditer(r'^\s*- "?([^":]+?)"?: \S+\.md\s*$', config, re.M)}


def add_to_nav(config: str, title: str, page: str) -> str:
    """mkdocs.yml with the page appended to the nav section Topics."""
    lines = config.splitlines(keepends=True)
    heading = re.compile(rf"^(\s*)- {NAV_SECTION}:\s*$")
    start = next((number for number, line in enumerate(lines) if heading.match(line)), None)
    if start is None:
        raise ScaffoldError(f"{MKDOCS_YML.name} has no nav section '- {NAV_SECTION}:' to add the page to")
    indent = len(heading.match(lines[start]).group(1))
    last = start
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if not line.strip():
            continue
        if len(line) - len(line.lstrip()) <= indent:
            break
        last = number
    if last == start:
        raise ScaffoldError(f"the nav section '{NAV_SECTION}' in {MKDOCS_YML.name} has no pages to follow")
    child_indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
    lines.insert(last + 1, f"{child_indent}{nav_entry(title, page)}\n")
    return "".join(lines)


def planned_files(name: str, title: str) -> dict[Path, str]:
    """Every new file and its text, relative to the repository root."""
    fields = {"name": name, "title": title, "case": CASE}
    snippets = Path("snippets") / name
    return {
        snippets / "__init__.py": "",
        snippets / "fastapi_app.py": FASTAPI_APP.substitute(fields),
        snippets / "flask_app.py": FLASK_APP.substitute(fields),
        snippets / "http" / f"{CASE}.request.http": REQUEST.substitute(fields),
        snippets / "http" / f"{CASE}.fastapi.http": RESPONSE,
        snippets / "http" / f"{CASE}.flask.http": RESPONSE,
        snippets / "bad_input.md": BAD_INPUT.substitute(fields),
        Path("tests") / f"test_{name}.py": TEST_MODULE.substitute(fields),
        Path("docs") / "topics" / f"{page_name(name)}.md": PAGE.substitute(fields),
    }


def write_all(files: dict[Path, str], config: str) -> None:
    """Write the new files, then mkdocs.yml; on any error remove what was written and restore mkdocs.yml."""
    original = MKDOCS_YML.read_text()
    created: list[Path] = []
    try:
        for relative, text in files.items():
            path = ROOT / relative
            missing = [parent for parent in reversed(path.parents) if not parent.exists()]
            for folder in missing:
                folder.mkdir()
                created.append(folder)
            with path.open("x") as file:  # "x": never overwrite a file that appeared meanwhile
                created.append(path)
                file.write(text)
        MKDOCS_YML.write_text(config)
    except BaseException:
        MKDOCS_YML.write_text(original)
        for path in reversed(created):
            if path.is_dir():
                path.rmdir()
            else:
                path.unlink()
        raise


def parse_args(argv: list[str]) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog='Example: scripts/new_topic.py rate_limits "Rate limiting". Run from anywhere; '
        "the files go into this repository.",
    )
    parser.add_argument("name", help="the topic's folder and module name: a lowercase Python identifier")
    parser.add_argument("title", help='the page title and nav label, e.g. "Rate limiting"')
    return parser, parser.parse_args(argv)


def main(argv: list[str]) -> int:
    parser, args = parse_args(argv)
    problem = name_problem(args.name) or title_problem(args.title)
    config = MKDOCS_YML.read_text()
    if problem is None and args.title in nav_titles(config):
        problem = f"a page titled {args.title!r} is already in the nav of {MKDOCS_YML.name}"
    if problem:
        parser.error(problem)  # exits 2, as argparse does for any other bad argument
    files = planned_files(args.name, args.title)
    try:
        write_all(files, add_to_nav(config, args.title, page_name(args.name)))
    except (ScaffoldError, OSError) as error:
        print(f"{parser.prog}: error: {error}; nothing was changed", file=sys.stderr)
        return 1
    print(f"Wrote topic {args.name!r}:")
    for relative in [*files, MKDOCS_YML.relative_to(ROOT)]:
        print(f"  {relative}")
    print(
        "The example passes the suite as it is. Now replace it with the topic's own: the two apps, "
        "the shown exchange under http/, the table, the test module and the page's prose. "
        "`python3.11 scripts/dev.py test --update-examples` rewrites the shown responses from a real run."
    )
    return 0
