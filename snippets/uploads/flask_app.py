"""File uploads in Flask: request.files and request.form, with MAX_CONTENT_LENGTH as the limit."""

import os
import tempfile
from pathlib import Path

from flask import Flask, request
from werkzeug.utils import secure_filename

UPLOAD_FOLDER = Path(os.environ.get("UPLOAD_FOLDER", Path(tempfile.gettempdir()) / "uploads"))
UPLOAD_FOLDER.mkdir(parents=True, exist_ok=True)

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # (1)!


@app.post("/uploads")
def upload():
    file = request.files.get("file")
    title = request.form.get("title")
    if file is None or not title:
        return {"detail": "Send a file and a title"}, 400
    name = secure_filename(file.filename or "")  # (2)!
    if not name:
        return {"detail": "The file name has no usable characters"}, 400
    with tempfile.NamedTemporaryFile(dir=UPLOAD_FOLDER, prefix=".upload-", delete=False) as stored:
        file.save(stored)
        size = stored.tell()
    os.replace(stored.name, UPLOAD_FOLDER / name)  # (3)!
    return {"bytes": size, "stored_as": name, "title": title}, 201
