"""Flask has no start-up or shut-down hook: the app factory opens the pool, `atexit` closes it.

`create_app()` runs when the server imports this module: once in each worker
process under gunicorn, or once in gunicorn's master with --preload. The pool
is kept in `app.extensions`, where Flask extensions keep theirs. Flask's
teardown functions run after every request, too often for a pool that serves
them all.
"""

import atexit

from flask import Flask, current_app

from .pool import Pool


def create_app() -> Flask:
    app = Flask(__name__)
    pool = Pool()
    app.extensions["pool"] = pool
    atexit.register(pool.close)  # (1)!

    @app.get("/status")
    def status():
        return {"pool": current_app.extensions["pool"].ping()}

    return app


app = create_app()
