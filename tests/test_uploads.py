"""File uploads: the 1 MiB limit answers 413, and no file name escapes the upload folder.

The shown exchanges and the bad-input table (tests/test_contracts.py,
tests/test_real_servers.py) cover the ordinary answers. This module holds
what they cannot: a body right at and just over the limit, hostile file names
with a look at where the bytes landed, and the limit over a real socket, where
a body may be chunked or never sent at all.
"""

import atexit
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from harness.apps import topic_apps
from harness.servers import Server, serves
from support.clients import in_process_client, socket_client

APPS = topic_apps("uploads")
LIMIT = 1024 * 1024  # the page's claim: 1 MiB, the whole body
BOUNDARY = "b"
# Each real server stores into its own folder under this one, fixed before the pool starts them.
SERVED_ROOT = Path(tempfile.mkdtemp(prefix="served-uploads-"))
atexit.register(shutil.rmtree, SERVED_ROOT, ignore_errors=True)


def server_for(app) -> Server:
    return Server(app, env={"UPLOAD_FOLDER": str(SERVED_ROOT / app.name)})


def multipart(filename: str, content: bytes, title: str = "Notes") -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\n{title}\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def body_of_size(size: int) -> bytes:
    """A form with a file whose whole body, multipart framing included, is `size` bytes."""
    framing = len(multipart("big.bin", b""))
    return multipart("big.bin", b"x" * (size - framing))


HEADERS = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def stored_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


@pytest.mark.parametrize("app", APPS, ids=str)
def test_a_body_under_the_limit_is_stored_and_one_byte_over_is_refused_with_413(app, tmp_path, reimport):
    reimport(app, UPLOAD_FOLDER=str(tmp_path))
    client = in_process_client(app)
    under = client.post("/uploads", content=body_of_size(LIMIT - 1), headers=HEADERS)
    assert under.status_code == 201
    (tmp_path / "big.bin").unlink()
    over = client.post("/uploads", content=body_of_size(LIMIT + 1), headers=HEADERS)
    assert over.status_code == 413
    assert stored_files(tmp_path) == []


@pytest.mark.parametrize("app", APPS, ids=str)
def test_what_a_413_says(app, reimport, tmp_path):
    """FastAPI's 413 is plain text when the declared length is over, JSON when a chunked body passes
    the limit; Werkzeug's is its HTML error page. (In process, Flask gets no chunked body at all.)"""
    reimport(app, UPLOAD_FOLDER=str(tmp_path))
    client = in_process_client(app)
    declared = client.post("/uploads", content=body_of_size(LIMIT + 1), headers=HEADERS)
    if app.framework == "fastapi":
        assert (declared.headers["content-type"], declared.text) == (
            "text/plain; charset=utf-8",
            "Content Too Large",
        )
        chunked = client.post("/uploads", content=chunks(body_of_size(2 * LIMIT)), headers=HEADERS)
        assert (chunked.status_code, chunked.json()) == (413, {"detail": "Content Too Large"})
    else:
        assert declared.headers["content-type"] == "text/html; charset=utf-8"
        assert "<title>413 Request Entity Too Large</title>" in declared.text


def text_fields(count: int, size: int) -> bytes:
    parts = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="field{number}"\r\n\r\n{"x" * size}\r\n'
        for number in range(count)
    )
    return f"{parts}--{BOUNDARY}--\r\n".encode()


# Each framework's own limits on the parts of a form, under the body limit: FastAPI's (Starlette's)
# 1,000 fields, answered 400; Flask's 1,000 parts and 500 kB per text field, answered 413.
FORM_LIMITS = {
    "1,001 text fields": (text_fields(1001, 1), {"fastapi": 400, "flask": 413}),
    "a 600 kB text field": (text_fields(1, 600_000), {"fastapi": 422, "flask": 413}),
}


@pytest.mark.parametrize("app", APPS, ids=str)
@pytest.mark.parametrize("case", FORM_LIMITS)
def test_each_framework_limits_the_parts_of_a_form(app, case):
    body, statuses = FORM_LIMITS[case]
    response = in_process_client(app).post("/uploads", content=body, headers=HEADERS)
    assert response.status_code == statuses[app.framework]


# Names a client may send; unsanitised, each would be written outside the folder (but inside
# tmp_path: the folder is three levels down, and the absolute name is made under tmp_path).
CLIMBING_NAMES = {
    "parent folders": "../../notes.txt",
    "a path that climbs back": "inside/../../../notes.txt",
    "an absolute path": "{tmp_path}/notes.txt",
    "Windows separators": "..\\..\\notes.txt",
}


@pytest.mark.parametrize("app", APPS, ids=str)
@pytest.mark.parametrize("name", CLIMBING_NAMES.values(), ids=CLIMBING_NAMES.keys())
def test_a_file_name_cannot_climb_out_of_the_upload_folder(app, name, tmp_path, reimport):
    folder = tmp_path / "a" / "b" / "uploads"
    reimport(app, UPLOAD_FOLDER=str(folder))
    body = multipart(name.format(tmp_path=tmp_path), b"Bring the slides.")
    response = in_process_client(app).post("/uploads", content=body, headers=HEADERS)
    assert response.status_code == 201
    name = response.json()["stored_as"]
    assert "/" not in name and "\\" not in name
    stored = folder / name
    assert stored_files(tmp_path) == [stored]
    assert stored.read_bytes() == b"Bring the slides."


@pytest.mark.parametrize("app", APPS, ids=str)
@pytest.mark.parametrize("name", ["..", "../..", "/", ""])
def test_a_file_name_with_nothing_safe_in_it_is_refused(app, name, tmp_path, reimport):
    reimport(app, UPLOAD_FOLDER=str(tmp_path))
    body = multipart(name, b"Bring the slides.")
    response = in_process_client(app).post("/uploads", content=body, headers=HEADERS)
    assert response.status_code == {"fastapi": 422, "flask": 400}[app.framework]
    assert stored_files(tmp_path) == []


@pytest.mark.parametrize("app", APPS, ids=str)
def test_each_framework_makes_its_own_safe_name(app, tmp_path, reimport):
    """Werkzeug turns accented letters into plain ones; FastAPI's safe_name replaces them."""
    reimport(app, UPLOAD_FOLDER=str(tmp_path))
    body = multipart("résumé.pdf", b"%PDF")
    stored_as = in_process_client(app).post("/uploads", content=body, headers=HEADERS).json()["stored_as"]
    assert stored_as == {"fastapi": "r_sum_.pdf", "flask": "resume.pdf"}[app.framework]


def chunks(body: bytes, size: int = 64 * 1024):
    """The body as a generator, which the client sends chunked, without a Content-Length."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def answer_to_a_declared_length_never_sent(base_url: str) -> bytes:
    """The status line a server sends to a head declaring 100 MB of body, none of which follows."""
    host, port = base_url.removeprefix("http://").split(":")
    head = (
        f"POST /uploads HTTP/1.1\r\nHost: {host}\r\nContent-Type: {HEADERS['Content-Type']}\r\n"
        "Content-Length: 100000000\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(head.encode())
        return connection.recv(100).split(b"\r\n", 1)[0]


# A body of exactly the limit, under each production server. Werkzeug refuses it under gunicorn,
# which sets wsgi.input_terminated: Werkzeug then reads through a stream capped at
# MAX_CONTENT_LENGTH, and the parser's read past the last byte counts as going over.
AT_THE_LIMIT = {"fastapi": 201, "flask": 413}


@pytest.mark.parametrize("app", [pytest.param(app, marks=serves(server_for(app))) for app in APPS], ids=str)
def test_the_limit_over_a_real_socket(served, app):
    """Under uvicorn and gunicorn: over the limit is 413 whether the body is declared and sent,
    chunked, or declared and never sent (a server that read the whole body first would time out)."""
    folder = SERVED_ROOT / app.name
    base_url = served[server_for(app)].base_url
    with socket_client(base_url) as client:
        sent = {
            "one byte under": client.post("/uploads", content=body_of_size(LIMIT - 1), headers=HEADERS),
            "exactly the limit": client.post("/uploads", content=body_of_size(LIMIT), headers=HEADERS),
            "one byte over": client.post("/uploads", content=body_of_size(LIMIT + 1), headers=HEADERS),
            "chunked, twice the limit": client.post(
                "/uploads", content=chunks(body_of_size(2 * LIMIT)), headers=HEADERS
            ),
        }
    answered = {case: response.status_code for case, response in sent.items()}
    answered["declared, never sent"] = int(answer_to_a_declared_length_never_sent(base_url).split(b" ")[1])
    assert answered == {
        "one byte under": 201,
        "exactly the limit": AT_THE_LIMIT[app.framework],
        "one byte over": 413,
        "chunked, twice the limit": 413,
        "declared, never sent": 413,
    }
    assert stored_files(folder) == [folder / "big.bin"]
    assert (folder / "big.bin").stat().st_size < LIMIT
