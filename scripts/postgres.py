"""Start a throwaway PostgreSQL on 127.0.0.1 for the examples: python -m scripts.postgres [--port N].

The command behind it is harness.postgres; this file only runs it.
"""

import sys

from harness.postgres import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
