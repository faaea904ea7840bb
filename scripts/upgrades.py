"""Regenerate docs/data/upgrades.json and the tables of the upgrade-cost page: python -m scripts.upgrades.

Downloads each pinned sdist of FastAPI, Starlette, Pydantic, Flask and
Werkzeug, reads its changelog and metadata, runs pip-audit over the five pins,
and rewrites the data file, keeping the breaking changes already written.
`--render-only` rewrites docs/data/upgrade-cost-report.md from the data file.
The command behind it is harness.upgrades; this file only runs it.
"""

import sys

from harness.upgrades import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
