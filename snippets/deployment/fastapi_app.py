"""The app the FastAPI deployment commands serve: a health check a load balancer can poll."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}
