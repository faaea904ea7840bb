"""A Flask counterpart of the article's BackgroundTasks example.

Flask has no BackgroundTasks. The closest built-in is Werkzeug's
`Response.call_on_close`: the function runs after the response has been
sent, in the same worker, which stays busy until it returns. Work that must
not hold a worker, or must survive a restart, belongs in a task queue.
"""

from flask import Flask, jsonify, request

app = Flask(__name__)


def background_task(name: str):
    print(f"Processing task for {name}")


@app.post("/task")
def run_task():
    name = request.args.get("name")
    if name is None:
        return jsonify({"error": "Missing query parameter: name"}), 400
    response = jsonify({"message": "Task added"})
    response.call_on_close(lambda: background_task(name))
    return response
