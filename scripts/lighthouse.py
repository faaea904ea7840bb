"""Run Lighthouse over the built site and print each page's scores: `python -m scripts.lighthouse [pages]`.

The command behind it is harness.lighthouse; this file only runs it.
"""

import sys

from harness.lighthouse import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
