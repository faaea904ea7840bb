"""PostgreSQL for the examples: a throwaway cluster on 127.0.0.1, never the system service.

The tests start one per run, and a reader starts the same one to try the
examples: `python -m scripts.postgres` prints the DATABASE_URL to export,
and stops the cluster and deletes its files on Ctrl-C.

Debian's `postgresql` package installs the programs under
/usr/lib/postgresql/<version>/bin. `initdb` and `pg_ctl` refuse to run as
root, which CI is, so as root they run as the `postgres` user the package
creates, on a folder that user owns. The cluster trusts local connections
(`-A trust`): it listens on 127.0.0.1 only, lives as long as the run, and
holds nothing but example data.
"""

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.services import free_port, serve_for_the_reader

HOST = "127.0.0.1"
INSTALL = Path("/usr/lib/postgresql")
SERVICE_USER = "postgres"
USER = "app"  # the role the examples connect as
DATABASE = "app"
START_TIMEOUT = 30  # seconds for `pg_ctl -w start`; it takes 0.1 s on an idle machine
DEFAULT_PORT = 5432


def bin_folder(install: Path = INSTALL) -> Path | None:
    """The newest installed version's programs, or None without PostgreSQL."""
    versions = sorted(
        (folder for folder in install.glob("*/bin") if (folder / "pg_ctl").exists()),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
    )
    return versions[-1] if versions else None


def installed() -> bool:
    return bin_folder() is not None


@dataclass(frozen=True)
class Cluster:
    """A running cluster: its folder (data, socket, log) and port."""

    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "postgres.log"

    def url(self, driver: str = "psycopg", database: str = DATABASE) -> str:
        """The SQLAlchemy URL of a database of the cluster (the examples' by default), for `driver`."""
        return f"postgresql+{driver}://{USER}@{HOST}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new, empty database, for one test to start from nothing; its name."""
        run("createdb", "-h", HOST, "-p", str(self.port), "-U", USER, name)
        return name


def as_service_user() -> list[str]:
    """The prefix that runs a program as the postgres user when this process is root."""
    return ["runuser", "-u", SERVICE_USER, "--"] if os.geteuid() == 0 else []


def run(program: str, *args: str) -> None:
    folder = bin_folder()
    if folder is None:
        raise FileNotFoundError(f"PostgreSQL is not installed under {INSTALL}: {INSTALL_HINT}")
    result = subprocess.run(
        [*as_service_user(), str(folder / program), *args], capture_output=True, text=True, timeout=60
    )
    if result.returncode != 0:
        raise RuntimeError(f"{program} {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")


INSTALL_HINT = "`sudo apt-get install postgresql` (the tests start their own server; none needs to run)"


def start(folder: Path, port: int) -> Cluster:
    """Create a cluster in `folder` (which must not exist yet) and start it on 127.0.0.1:`port`."""
    folder.mkdir(parents=True)
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVICE_USER)
        os.chown(folder, account.pw_uid, account.pw_gid)
    cluster = Cluster(folder, port)
    # --no-sync: a throwaway cluster need not survive a power cut, and fsync costs seconds.
    run("initdb", "-D", str(cluster.data), "-U", USER, "-A", "trust", "--no-sync", "-E", "UTF8")
    options = f"-c listen_addresses={HOST} -p {port} -k {folder} -c fsync=off"
    run(
        "pg_ctl",
        "-D",
        str(cluster.data),
        "-l",
        str(cluster.log),
        "-o",
        options,
        "-w",
        "-t",
        str(START_TIMEOUT),
        "start",
    )
    try:
        cluster.create_database(DATABASE)
    except Exception:
        stop(cluster)
        raise
    return cluster


def stop(cluster: Cluster) -> None:
    """Stop the cluster (fast shutdown: open sessions are ended) and delete its files."""
    with contextlib.suppress(Exception):
        run("pg_ctl", "-D", str(cluster.data), "-m", "fast", "-w", "-t", str(START_TIMEOUT), "stop")
    postmaster = cluster.data / "postmaster.pid"
    if postmaster.exists():  # pg_ctl failed: end the server ourselves
        with contextlib.suppress(ValueError, ProcessLookupError):
            os.kill(int(postmaster.read_text().split()[0]), signal.SIGKILL)
    shutil.rmtree(cluster.folder, ignore_errors=True)


@contextlib.contextmanager
def running_postgres(port: int | None = None) -> Iterator[Cluster]:
    """A cluster for the length of the block, stopped and deleted however the block ends."""
    parent = Path(tempfile.mkdtemp(prefix="postgres-"))
    parent.chmod(0o711)  # mkdtemp's 0700 would keep the postgres user out of its own cluster
    cluster = None
    try:
        cluster = start(parent / "cluster", port or free_port())
        yield cluster
    finally:
        if cluster is not None:
            stop(cluster)
        shutil.rmtree(parent, ignore_errors=True)


def main(argv: list[str]) -> int:
    return serve_for_the_reader(
        argv,
        name="PostgreSQL",
        default_port=DEFAULT_PORT,
        installed=installed,
        install_hint=INSTALL_HINT,
        running=running_postgres,
        variable="DATABASE_URL",
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
