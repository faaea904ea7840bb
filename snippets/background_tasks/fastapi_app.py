"""The article's BackgroundTasks example on FastAPI.

The task runs in the same process after the response has been sent; a plain
`def` task runs in the thread pool.
"""

from fastapi import BackgroundTasks, FastAPI

app = FastAPI()


def background_task(name: str):
    print(f"Processing task for {name}")


@app.post("/task")
def run_task(name: str, background_tasks: BackgroundTasks):
    background_tasks.add_task(background_task, name)
    return {"message": "Task added"}
