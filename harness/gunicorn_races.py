"""A gunicorn configuration that makes races between threads show up in a short test.

CPython lets a thread keep the GIL for 5 ms before another may run
(`sys.getswitchinterval()`), longer than a small Flask request takes, so two
requests on a gthread worker rarely interleave inside one of them. With the
interval at a microsecond, every worker thread is interrupted all through
its request, and state that one request leaves for another (a module-level
variable where `flask.g` belongs) is picked up by the wrong one. The
middleware topic's Flask app, rewritten to keep the request ID in a global,
passed 3 bursts of 3 x 50 requests at once without this setting, and failed
10 of 10 with it.

Used as `gunicorn -c python:harness.gunicorn_races ...` from the project root.
"""

import sys

SWITCH_INTERVAL = 1e-6  # seconds


def post_worker_init(worker) -> None:
    """gunicorn calls this in each worker once it has loaded the app."""
    sys.setswitchinterval(SWITCH_INTERVAL)
