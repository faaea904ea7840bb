#!/usr/bin/env python3
"""Scaffold a new topic: `python3.11 scripts/new_topic.py NAME "Title"` (harness/scaffold.py writes it).

Standard library only, like the scaffold itself: it runs before .venv exists.
"""

import sys
from pathlib import Path

# Run as a file, Python puts scripts/ on sys.path, not the root that holds harness/.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.scaffold import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
