"""File uploads in FastAPI: UploadFile and Form (python-multipart), under FastAPI's own body limit.

`max_body_size` on the route answers 413 to a body over 1 MiB: at once when
the declared Content-Length is over it, and as soon as the count of bytes
read passes it when the body is chunked. FastAPI has no file-name cleaner,
so `safe_name` keeps the last part of the client's name in safe characters:
`../../x` is stored as `x`, inside the upload folder.
"""

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Form, HTTPException, UploadFile

UPLOAD_FOLDER = Path(os.environ.get("UPLOAD_FOLDER", Path(tempfile.gettempdir()) / "uploads"))
UPLOAD_FOLDER.mkdir(parents=True, exist_ok=True)
MAX_UPLOAD_BYTES = 1024 * 1024
UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]")


def safe_name(filename: str) -> str:
    """The name's last part in letters, digits, `.`, `_` and `-`, with no leading dot: never `..`."""
    last_part = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return UNSAFE_CHARACTERS.sub("_", last_part).lstrip(".")


app = FastAPI()


@app.post(
    "/uploads",
    status_code=201,
    max_body_size=MAX_UPLOAD_BYTES,
    responses={400: {"description": "Not a readable form"}, 413: {"description": "Body over 1 MiB"}},
)
def upload(file: UploadFile, title: Annotated[str, Form()]):
    name = safe_name(file.filename or "")
    if not name:
        raise HTTPException(status_code=422, detail="The file name has no usable characters")
    target = UPLOAD_FOLDER / name
    with target.open("wb") as stored:
        shutil.copyfileobj(file.file, stored)
    return {"bytes": target.stat().st_size, "stored_as": name, "title": title}
