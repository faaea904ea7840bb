"""Open, update or close the issue on the suite against the newest releases: python -m scripts.latest_report.

The command behind it is harness.latest_report; this file only runs it.
"""

import sys

from harness.latest_report import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
