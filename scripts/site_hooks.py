"""MkDocs hook: print the versions the examples were tested with on every page.

The versions are read from the installed packages when the site is built, and
the environment is installed from requirements.txt, so the pins are the single
source and no version is typed by hand. Builders that do not run MkDocs hooks
(Zensical) simply show no versions line.
"""

from importlib.metadata import version

TESTED_PACKAGES = ("FastAPI", "Starlette", "Pydantic", "Flask", "Werkzeug")


def tested_versions() -> dict[str, str]:
    return {name: version(name.lower()) for name in TESTED_PACKAGES}


def versions_line() -> str:
    listed = ", ".join(f"{name} {number}" for name, number in tested_versions().items())
    return f"Examples tested with {listed}."


def on_page_markdown(markdown: str, **kwargs) -> str:
    return f'{markdown}\n\n<p class="tested-versions" markdown>{versions_line()}</p>\n'
