"""Where the project's parts live, so no test spells a path twice."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"
TESTS = ROOT / "tests"
