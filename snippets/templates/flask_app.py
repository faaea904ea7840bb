"""Server-rendered HTML in Flask: `render_template` and the static folder, both built in.

Flask looks for templates/ and static/ beside the module that creates the
app; the same two folders serve the FastAPI version.
"""

from flask import Flask, render_template, url_for

app = Flask(__name__)


@app.get("/hello/<name>")
def hello(name):
    return render_template("hello.html", name=name, stylesheet=url_for("static", filename="style.css"))
