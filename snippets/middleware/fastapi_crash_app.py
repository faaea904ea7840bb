"""The request-ID middleware of fastapi_app.py, and an endpoint that raises an exception nothing handles."""

from fastapi import FastAPI

from snippets.middleware.fastapi_app import add_request_id

app = FastAPI()
app.middleware("http")(add_request_id)


@app.get("/crash")
def crash():
    raise RuntimeError("a bug no handler expects")
