"""Set up the pinned environment, then serve the site or run the whole test suite.

This is the README's Quickstart: `python3.11 scripts/dev.py serve` and
`python3.11 scripts/dev.py test`. Both create .venv on first use and rebuild it
from scratch whenever requirements.txt or the Python running this script
changes, so what passes here is what passes on a fresh machine.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / "requirements.sha256"
NODE_LOCK = ROOT / "package-lock.json"
NODE_STAMP = ROOT / "node_modules" / "package-lock.sha256"
ADDRESS = "127.0.0.1:8000"


def venv_bin(name: str) -> Path:
    return VENV / "bin" / name


def ensure_environment() -> None:
    """(Re)create .venv with exactly requirements.txt, unless it already has it."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes() + sys.version.encode()).hexdigest()
    if venv_bin("python").exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    # From scratch: a package dropped from requirements.txt must not linger.
    print(f"Creating {VENV.relative_to(ROOT)} for Python {sys.version.split()[0]} ...", flush=True)
    venv.create(VENV, with_pip=True, clear=True)
    print(f"Installing {REQUIREMENTS.name} ...", flush=True)
    pip = [str(venv_bin("python")), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "-r", str(REQUIREMENTS)], check=True)
    subprocess.run([*pip, "check"], check=True)
    STAMP.write_text(wanted)


def ensure_node_tools() -> None:
    """Install the pinned Node tools (Lighthouse) with `npm ci`, unless they are already installed.

    Without npm the Lighthouse tests skip and say so (CI makes that a failure).
    """
    if shutil.which("npm") is None:
        print("npm not found: the Lighthouse tests will skip (install Node.js 20 and npm to run them)")
        return
    wanted = hashlib.sha256(NODE_LOCK.read_bytes()).hexdigest()
    if NODE_STAMP.exists() and NODE_STAMP.read_text() == wanted:
        return
    print(f"Installing {NODE_LOCK.name} with npm ci ...", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True)
    NODE_STAMP.write_text(wanted)


def serve(extra: list[str]) -> int:
    command = [str(venv_bin("mkdocs")), "serve", "--dev-addr", ADDRESS, *extra]
    return subprocess.call(command, cwd=ROOT)


def test(extra: list[str]) -> int:
    ensure_node_tools()
    return subprocess.call([str(venv_bin("python")), "-m", "pytest", *extra], cwd=ROOT)


COMMANDS = {"serve": serve, "test": test}


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Arguments after the command go to mkdocs serve or pytest, e.g. `test -k hello --no-cov`.",
    )
    parser.add_argument(
        "command", choices=COMMANDS, help=f"serve: the site at http://{ADDRESS}; test: the whole suite"
    )
    return parser.parse_known_args(argv)


def main(argv: list[str]) -> int:
    args, extra = parse_args(argv)
    if sys.version_info < (3, 11):  # noqa: UP036 - this check is for people running an older python
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    try:
        ensure_environment()
        os.chdir(ROOT)
        return COMMANDS[args.command](extra)
    except subprocess.CalledProcessError as error:
        sys.exit(
            f"Setting up failed: {' '.join(error.cmd)} exited with {error.returncode}; see its output above."
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
