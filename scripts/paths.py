"""Where the project's parts live: the one definition the scripts and the tests import.

`scripts.*` is importable wherever the project's Python runs: pytest puts the
repository root on sys.path (pyproject.toml), and `scripts/dev.py` writes a
`.pth` file into .venv that does the same for `.venv/bin/python scripts/...`.
Only dev.py and new_topic.py, which run on the system Python before .venv
exists, find the root themselves.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"
TESTS = ROOT / "tests"
