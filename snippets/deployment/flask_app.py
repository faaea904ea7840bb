"""The app the Flask deployment commands serve: a health check a load balancer can poll."""

from flask import Flask

app = Flask(__name__)


@app.get("/health")
def health():
    return {"status": "ok"}
