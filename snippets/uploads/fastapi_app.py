"""File uploads in FastAPI: UploadFile and Form (python-multipart), under FastAPI's own body limit."""

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
    max_body_size=MAX_UPLOAD_BYTES,  # (1)!
    responses={400: {"description": "Not a readable form"}, 413: {"description": "Body over 1 MiB"}},
)
def upload(file: UploadFile, title: Annotated[str, Form()]):
    name = safe_name(file.filename or "")  # (2)!
    if not name:
        raise HTTPException(status_code=422, detail="The file name has no usable characters")
    with tempfile.NamedTemporaryFile(dir=UPLOAD_FOLDER, prefix=".upload-", delete=False) as stored:
        shutil.copyfileobj(file.file, stored)
        size = stored.tell()
    os.replace(stored.name, UPLOAD_FOLDER / name)  # (3)!
    return {"bytes": size, "stored_as": name, "title": title}
