"""Jobs that must not be lost, with Flask: a request sends the job to RQ and answers 202 at once.

A function passed to call_on_close would run in this worker process, after
the response, and be lost when the process dies. Here the job goes to Redis,
and an RQ worker in another process runs it (jobs.py holds the queue, the
job and the settings that bring a job back after a worker's crash).
"""

from flask import Flask, jsonify, request

from snippets.rq_queues.jobs import MAX_FAILURES, MAX_SECONDS, enqueue, job_state

app = Flask(__name__)
INVALID = f"seconds: a number from 0 to {MAX_SECONDS}; failures: a whole number from 0 to {MAX_FAILURES}"


def read_number(body: dict, name: str, most: int, whole: bool) -> float | None:
    """The field (0 when absent), or None unless it is a number from 0 to `most`, a whole one if `whole`."""
    value = body.get(name, 0)
    kinds = int if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not 0 <= value <= most:
        return None
    return value


@app.post("/jobs")
def create_job():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"error": "the body must be a JSON object"}), 400
    seconds = read_number(body, "seconds", MAX_SECONDS, whole=False)
    failures = read_number(body, "failures", MAX_FAILURES, whole=True)
    if seconds is None or failures is None:
        return jsonify({"error": INVALID}), 400
    return jsonify({"id": enqueue(seconds, int(failures))}), 202


@app.get("/jobs/<uuid:job_id>")
def read_job(job_id):
    job = job_state(str(job_id))
    if job is None:
        return jsonify({"error": "No such job"}), 404
    return jsonify(job)
