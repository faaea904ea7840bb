"""The article's BackgroundTasks example on FastAPI."""

from fastapi import BackgroundTasks, FastAPI

app = FastAPI()


def background_task(name: str):
    print(f"Processing task for {name}")


@app.post("/task")
def run_task(name: str, background_tasks: BackgroundTasks):
    background_tasks.add_task(background_task, name)  # (1)!
    return {"message": "Task added"}
