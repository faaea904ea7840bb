"""Server-rendered HTML in FastAPI: Jinja2 templates and a mounted static folder.

Both come from Starlette; FastAPI needs the jinja2 package installed, and
autoescapes HTML in `.html` templates as Flask does.
"""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

HERE = Path(__file__).parent

app = FastAPI()
app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
templates = Jinja2Templates(directory=HERE / "templates")


@app.get("/hello/{name}", response_class=HTMLResponse)
def hello(request: Request, name: str):
    stylesheet = request.url_for("static", path="style.css").path
    return templates.TemplateResponse(request, "hello.html", {"name": name, "stylesheet": stylesheet})
