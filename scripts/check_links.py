"""Check every link and anchor of a built site: `python -m scripts.check_links SITE_DIR`.

The command behind it is harness.links; this file only runs it.
"""

import sys

from harness.links import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
