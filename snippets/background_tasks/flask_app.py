"""A Flask counterpart of the article's BackgroundTasks example, which Flask has no object for."""

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
    response.call_on_close(lambda: background_task(name))  # (1)!
    return response
