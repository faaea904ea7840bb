"""Where the project's parts live, so no test spells a path twice (defined once, in scripts/paths.py)."""

from scripts.paths import DOCS, ROOT, SNIPPETS, TESTS

__all__ = ["DOCS", "ROOT", "SNIPPETS", "TESTS"]
