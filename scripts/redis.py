"""Start a throwaway Redis on 127.0.0.1 for the examples: python -m scripts.redis [--port N].

The command behind it is harness.redis; this file only runs it.
"""

import sys

from harness.redis import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
