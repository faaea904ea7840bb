"""What upgrades cost: the releases, breaking changes, Python support and advisories of the stack.

docs/data/upgrades.json is made here from sources the package index serves:
- each pinned release's source distribution (`pip download --no-binary`),
  whose changelog lists every release with its date and whose PKG-INFO
  gives `Requires-Python` and the Python classifiers;
- `pip-audit` over the five pins, for the advisories that affect them.
The breaking changes of each release are written in the data file in our
own words; a regeneration keeps them, and gives a release it has not seen
the changelog's lines that announce a break (`reviewed: false`), so a
reader sees them and a contributor knows what to rewrite.

docs/data/upgrade-cost-report.md, the tables docs/upgrade-cost.md
includes, is rendered from the data file alone; the tests check both
(tests/test_upgrades.py).
"""

import argparse
import datetime
import email.parser
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from harness.project import REQUIREMENTS, ROOT, pinned_requirements

DATA_FILE = ROOT / "docs" / "data" / "upgrades.json"
SCHEMA_FILE = ROOT / "docs" / "data" / "upgrades.schema.json"
REPORT_FILE = ROOT / "docs" / "data" / "upgrade-cost-report.md"
REFRESH = "python -m scripts.upgrades"
PACKAGES = ("fastapi", "starlette", "pydantic", "flask", "werkzeug")
NAMES = {
    "fastapi": "FastAPI",
    "starlette": "Starlette",
    "pydantic": "Pydantic",
    "flask": "Flask",
    "werkzeug": "Werkzeug",
}
# The changelog as each project publishes it, for links; the sdist carries the same text.
CHANGELOG_URLS = {
    "fastapi": "https://fastapi.tiangolo.com/release-notes/",
    "starlette": "https://starlette.dev/release-notes/",
    "pydantic": "https://github.com/pydantic/pydantic/blob/main/HISTORY.md",
    "flask": "https://flask.palletsprojects.com/page/changes/",
    "werkzeug": "https://werkzeug.palletsprojects.com/page/changes/",
}
# The changelog's source where an sdist does not ship it (FastAPI's holds no release notes): fetched
# where the internet can be reached, as in the weekly workflow.
CHANGELOG_SOURCES = {
    "fastapi": "https://raw.githubusercontent.com/fastapi/fastapi/master/docs/en/docs/release-notes.md",
}
# Where the advisories come from when pip-audit cannot reach its service.
ADVISORY_URL = "https://osv.dev/list?ecosystem=PyPI&q={package}"
# Changelog files, in the order they are looked for inside an sdist.
CHANGELOG_FILES = ("CHANGES.rst", "HISTORY.md", "docs/en/docs/release-notes.md", "docs/release-notes.md")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# A release heading: a version, with or without a leading "v", and maybe its date on the same line.
# A pre-release (2.14.0b1, 1.0.0rc1) is matched too, so that its lines stay its own, and then left out.
RELEASE_HEADING = re.compile(
    r"^(?:#+\s*|Version\s+)v?(\d+\.\d+(?:\.\d+)?)((?:a|b|rc|\.dev)\d+)?(?=\s|$)(.*)$"
)
ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
LONG_DATE = re.compile(rf"({MONTHS}) (\d{{1,2}}), (\d{{4}})")
# A changelog line that announces a break, when no one has written the release's breaking changes yet.
BREAKING_LINE = re.compile(
    r"breaking|\bdrop(?:ped|s)? support|\bremove(?:d|s)?\b|no longer|now requires?|minimum .*python",
    re.IGNORECASE,
)


# An advisory a changelog line names: Pallets' :ghsa:`xxxx-xxxx-xxxx` role, or a GHSA or CVE id written out.
ADVISORY_ID = re.compile(
    r":ghsa:`(?P<role>[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})`|(?P<ghsa>GHSA(?:-[0-9a-z]{4}){3})|(?P<cve>CVE-\d{4}-\d{4,})"
)
ADVISORY_LINK = "https://osv.dev/vulnerability/{id}"


# Where a release's date was read, when not from its changelog.
SDIST = "sdist file dates"
UNREAD = "not read here"


class UpgradeDataError(Exception):
    """A source that cannot be read, or a data file that says something impossible."""


@dataclass(frozen=True)
class Release:
    version: str
    date: str | None
    lines: tuple[str, ...]
    source: str = "changelog"  # where the date was read


def parse_date(text: str) -> str | None:
    if found := ISO_DATE.search(text):
        return found.group(1)
    if found := LONG_DATE.search(text):
        month = MONTHS.split("|").index(found.group(1)) + 1
        return f"{found.group(3)}-{month:02d}-{int(found.group(2)):02d}"
    return None


def parse_changelog(text: str) -> list[Release]:
    """Every release a changelog lists, newest first as written, with its date where it gives one."""
    releases: list[Release] = []
    current: tuple[str, str | None, list[str]] | None = None
    for line in text.splitlines():
        heading = RELEASE_HEADING.match(line.strip())
        if heading:
            if current and not current[0].startswith("pre:"):
                releases.append(Release(current[0], current[1], tuple(current[2])))
            version = heading.group(1) if heading.group(2) is None else f"pre:{heading.group(1)}"
            current = (version, parse_date(heading.group(3)), [])
        elif current is not None:
            if current[1] is None and (line.strip().startswith("Released") or line.strip().startswith("_")):
                current = (current[0], parse_date(line), current[2])
            current[2].append(line)
    if current and not current[0].startswith("pre:"):
        releases.append(Release(current[0], current[1], tuple(current[2])))
    return releases


def breaking_lines(release: Release) -> list[str]:
    """The changelog's own lines that announce a break: a candidate list for a contributor to reword."""
    found = []
    for line in release.lines:
        text = re.sub(r"^[\s*+-]+", "", line).strip()
        if text and BREAKING_LINE.search(text) and not text.startswith("#"):
            found.append(re.sub(r"\s+", " ", text)[:300])
    return found


def fixed_advisories(release: Release) -> list[str]:
    """The advisories a release's changelog says it fixes, as GHSA or CVE ids, in the order written."""
    found = []
    for match in ADVISORY_ID.finditer("\n".join(release.lines)):
        found.append(f"GHSA-{match['role']}" if match["role"] else match["ghsa"] or match["cve"])
    return list(dict.fromkeys(found))


def python_support(pkg_info: str) -> dict:
    """Requires-Python and the Python 3.x classifiers of a release's metadata."""
    message = email.parser.Parser().parsestr(pkg_info)
    prefix = "Programming Language :: Python :: "
    classifiers = sorted(
        (value[len(prefix) :] for value in message.get_all("Classifier", []) if value.startswith(prefix)),
        key=lambda version: tuple(int(part) for part in version.split(".") if part.isdigit()),
    )
    return {
        "requires_python": message.get("Requires-Python", ""),
        "classifiers": [version for version in classifiers if re.fullmatch(r"3\.\d+", version)],
    }


def download_sdist(name: str, version: str, folder: Path) -> Path:
    """The source distribution of name==version, fetched from the package index."""
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:"]
    command += ["--dest", str(folder), f"{name}=={version}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    found = [path for path in folder.iterdir() if path.name.endswith((".tar.gz", ".zip"))]
    if result.returncode != 0 or not found:
        raise UpgradeDataError(
            f"pip could not download the sdist of {name}=={version}: {result.stderr[-500:]}"
        )
    return found[0]


def sdist_files(archive: Path) -> dict[str, str]:
    """PKG-INFO and the first changelog file of an sdist, by their path inside its top folder."""
    wanted = ("PKG-INFO", *CHANGELOG_FILES)
    texts: dict[str, str] = {}
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as opened:
            for member in opened.namelist():
                inner = member.split("/", 1)[-1]
                if inner in wanted:
                    texts[inner] = opened.read(member).decode()
    else:
        with tarfile.open(archive) as opened:
            for info in opened.getmembers():
                inner = info.name.split("/", 1)[-1]
                extracted = opened.extractfile(info) if inner in wanted else None
                if extracted is not None:
                    texts[inner] = extracted.read().decode()
    return texts


def sdist_of(name: str, version: str) -> tuple[dict[str, str], str]:
    """PKG-INFO and changelog of name==version's sdist, and the date its files carry (its build)."""
    with tempfile.TemporaryDirectory() as folder:
        archive = download_sdist(name, version, Path(folder))
        texts = sdist_files(archive)
        with tarfile.open(archive) as opened:
            newest = max(info.mtime for info in opened.getmembers())
    if "PKG-INFO" not in texts:
        raise UpgradeDataError(f"the sdist of {name}=={version} has no PKG-INFO")
    return texts, datetime.datetime.fromtimestamp(newest, datetime.UTC).date().isoformat()


def fetch_changelog(name: str) -> str | None:
    """The changelog an sdist does not ship, from its project where the internet is reachable."""
    url = CHANGELOG_SOURCES.get(name)
    if url is None:
        return None
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.read().decode()
    except OSError:
        return None


def index_versions(name: str) -> list[str]:
    """Every version of name on the package index, newest first (`pip index versions`)."""
    command = [sys.executable, "-m", "pip", "index", "versions", name]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    listed = re.search(r"^Available versions: (.+)$", result.stdout, re.M)
    if result.returncode != 0 or listed is None:
        raise UpgradeDataError(f"pip could not list the versions of {name}: {result.stderr[-300:]}")
    return [v for v in listed.group(1).split(", ") if re.fullmatch(r"\d+\.\d+(\.\d+)?", v)]


def dated_by_sdists(name: str, pinned: str, built: str, since: str, known: dict) -> list[Release]:
    """The window's releases when the sdist ships no changelog: the versions the index lists from the
    first one built on or after `since` (found by bisection) to the pin. Each is dated by the
    project's changelog where it can be fetched and gives a date, else by its sdist's files where
    that sdist was read (the bisection's, and those with breaking changes written)."""
    versions = sorted(
        (v for v in index_versions(name) if version_key(v) <= version_key(pinned)), key=version_key
    )
    dates: dict[str, str] = {pinned: built}

    def date_of(version: str) -> str:
        if version not in dates:
            dates[version] = sdist_of(name, version)[1]
        return dates[version]

    low, high = 0, len(versions) - 1  # the first version dated on or after since lies in [low, high]
    while low < high:
        middle = (low + high) // 2
        if date_of(versions[middle]) >= since:
            high = middle
        else:
            low = middle + 1
    window = versions[low:]
    for version in window:
        if known.get(version, {}).get("breaking"):
            date_of(version)
    notes = {release.version: release for release in parse_changelog(fetch_changelog(name) or "")}
    none = Release("", None, ())
    found = []
    for version in reversed(window):
        if version in notes and notes[version].date:
            found.append(notes[version])
        elif version in dates:
            found.append(Release(version, dates[version], notes.get(version, none).lines, SDIST))
        else:
            found.append(Release(version, None, notes.get(version, none).lines, UNREAD))
    return found


def package_entry(name: str, version: str, since: str, until: str, previous: dict | None) -> dict:
    """One package's entry: its pin, Python support, and the releases of the window."""
    texts, built = sdist_of(name, version)
    known = {release["version"]: release for release in (previous or {}).get("releases", [])}
    changelog = next((path for path in CHANGELOG_FILES if path in texts), None)
    if changelog is not None:
        found = [r for r in parse_changelog(texts[changelog]) if r.date and since <= r.date <= until]
    else:
        found = dated_by_sdists(name, version, built, since, known)
    releases = []
    for release in found:
        entry: dict = {"version": release.version, "date": release.date}
        if release.version in known:
            entry = {**known[release.version], **entry}
        else:
            lines = breaking_lines(release)
            entry["breaking"] = [{"summary": line, "link": CHANGELOG_URLS[name]} for line in lines]
            entry["reviewed"] = False
        entry["date_source"] = release.source
        entry["fixes_advisories"] = fixed_advisories(release)
        releases.append(entry)
    return {
        "pinned": version,
        "changelog": {"sdist_file": changelog, "url": CHANGELOG_URLS[name]},
        **python_support(texts["PKG-INFO"]),
        "releases": releases,
    }


def audit(pins: dict[str, str]) -> dict:
    """The advisories pip-audit reports for the five pins, or why it could not say."""
    with tempfile.TemporaryDirectory() as folder:
        requirements = Path(folder) / "requirements.txt"
        requirements.write_text("".join(f"{name}=={pins[name]}\n" for name in PACKAGES))
        command = [sys.executable, "-m", "pip_audit", "--requirement", str(requirements)]
        command += ["--no-deps", "--disable-pip", "--format", "json", "--progress-spinner", "off"]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        except FileNotFoundError as error:  # pragma: no cover - sys.executable always exists
            raise UpgradeDataError(str(error)) from error
    return read_audit(result.stdout, result.stderr)


def read_audit(stdout: str, stderr: str) -> dict:
    """pip-audit's JSON report as the data file keeps it.

    "Reached" means every pin was audited: pip-audit reports a package it
    could not look up (its service out of reach, say) with a `skip_reason`
    and no advisories, which is not the same as having none.
    """
    refresh = [ADVISORY_URL.format(package=name) for name in PACKAGES]
    if "No module named pip_audit" in stderr:
        return {"reached": False, "why": "pip-audit is not installed", "refresh_from": refresh, "items": []}
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        why = (stderr.strip().splitlines() or ["no output"])[-1][:300]
        return {"reached": False, "why": why, "refresh_from": refresh, "items": []}
    skipped = [
        dependency["skip_reason"]
        for dependency in report.get("dependencies", [])
        if "skip_reason" in dependency
    ]
    if skipped:
        why = f"pip-audit could not audit {len(skipped)} of the {len(PACKAGES)} pins: {skipped[0]}"
        return {"reached": False, "why": why[:300], "refresh_from": refresh, "items": []}
    items = []
    for dependency in report.get("dependencies", []):
        for vulnerability in dependency.get("vulns", []):
            items.append(
                {
                    "id": vulnerability["id"],
                    "aliases": vulnerability.get("aliases", []),
                    "package": dependency["name"].lower(),
                    "affected": f"{dependency['version']} (the pin)",
                    "fixed": ", ".join(vulnerability.get("fix_versions", [])) or "none yet",
                    "link": f"https://osv.dev/vulnerability/{vulnerability['id']}",
                }
            )
    return {"reached": True, "why": "", "refresh_from": refresh, "items": items}


def build(pins: dict[str, str], today: datetime.date, previous: dict | None) -> dict:
    since = (today - datetime.timedelta(days=365)).isoformat()
    until = today.isoformat()
    missing = [name for name in PACKAGES if name not in pins]
    if missing:
        raise UpgradeDataError(f"requirements.txt pins none of: {', '.join(missing)}")
    old = (previous or {}).get("packages", {})
    return {
        "generated": until,
        "window": {"from": since, "to": until},
        "packages": {name: package_entry(name, pins[name], since, until, old.get(name)) for name in PACKAGES},
        "advisories": audit(pins),
    }


# The checks the tests run: against the pins, and against whatever is installed.


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def pin_problems(data: dict, pins: dict[str, str]) -> list[str]:
    """Where the data does not describe exactly the pinned releases."""
    problems = []
    for name in PACKAGES:
        entry = data["packages"].get(name)
        if entry is None:
            problems.append(f"{name} is not in docs/data/upgrades.json: run {REFRESH}")
            continue
        listed = [release["version"] for release in entry["releases"]] or [entry["pinned"]]
        newest = max(listed, key=version_key) if listed else None
        if newest is not None and version_key(pins[name]) > version_key(newest):
            problems.append(
                f"{name}=={pins[name]} is newer than the newest release docs/data/upgrades.json lists "
                f"({newest}): run {REFRESH}"
            )
        elif entry["pinned"] != pins[name]:
            problems.append(
                f"docs/data/upgrades.json describes {name} {entry['pinned']}, requirements.txt pins "
                f"{pins[name]}: run {REFRESH}"
            )
    return problems


def unlisted_releases(data: dict, installed: dict[str, str]) -> list[str]:
    """Installed releases (the newest ones, in the weekly run) the data file does not list."""
    problems = []
    for name in PACKAGES:
        listed = {release["version"] for release in data["packages"][name]["releases"]}
        listed.add(data["packages"][name]["pinned"])
        if installed[name] not in listed:
            problems.append(
                f"{name} {installed[name]} is installed but docs/data/upgrades.json does not list it: "
                f"run {REFRESH} and write its breaking changes"
            )
    return problems


# The page's tables.


def breaking_releases(entry: dict) -> list[dict]:
    return [release for release in entry["releases"] if release["breaking"]]


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def in_short(data: dict) -> list[str]:
    """The page's answer in three bullets: breaking releases, Python, advisories."""
    packages = data["packages"]
    counts = [
        f"{NAMES[name]} {len(breaking_releases(packages[name]))} of {len(packages[name]['releases'])}"
        for name in PACKAGES
    ]
    needs: dict[str, list[str]] = {}
    for name in PACKAGES:
        needs.setdefault(packages[name]["requires_python"].removeprefix(">="), []).append(NAMES[name])
    python = [
        f"{joined(names)} {'needs' if len(names) == 1 else 'need'} Python {minimum} or newer"
        for minimum, names in sorted(needs.items(), key=lambda item: version_key(item[0]), reverse=True)
    ]
    advisories = data["advisories"]
    fixed = [name for name, _, _ in fixed_in_window(data)]
    if fixed:
        per_package = joined([f"{NAMES[name]} {fixed.count(name)}" for name in dict.fromkeys(fixed)])
        fixed_said = (
            f"; fixed in the 12 months, per the changelogs read: {per_package} ([below](#advisories))"
        )
    else:
        fixed_said = "; the changelogs read name none fixed in the 12 months"
    if not advisories["reached"]:
        audit = "not known here (the advisory service could not be reached; the weekly run refreshes them)"
    elif not advisories["items"]:
        audit = f"none affect the pinned releases (pip-audit, {data['generated']})"
    else:
        audit = f"{len(advisories['items'])} affect the pinned releases ([below](#advisories))"
    return [
        f"- **Releases with breaking changes in 12 months** (of all releases): {joined(counts)}.",
        f"- **Python**: {'; '.join(python)} (the pinned releases' `Requires-Python`).",
        f"- **Advisories**: open on the pins: {audit}{fixed_said}.",
    ]


def render(data: dict) -> str:
    """The Markdown sections docs/upgrade-cost.md includes, from the data alone."""
    window = data["window"]
    out = ["<!-- Generated by python -m scripts.upgrades from docs/data/upgrades.json: do not edit. -->", ""]
    out += ["<!-- --8<-- [start:inshort] -->", *in_short(data), "<!-- --8<-- [end:inshort] -->", ""]
    out += ["<!-- --8<-- [start:summary] -->"]
    out += [f"| Package | Releases {window['from']} to {window['to']} | With breaking changes | Pinned |"]
    out += ["| --- | --- | --- | --- |"]
    for name in PACKAGES:
        entry = data["packages"][name]
        counts = f"{len(entry['releases'])} | {len(breaking_releases(entry))}"
        out.append(f"| {NAMES[name]} | {counts} | {entry['pinned']} |")
    out += ["<!-- --8<-- [end:summary] -->", "", "<!-- --8<-- [start:python] -->"]
    out += ["| Package | Pinned | Requires-Python | Classifiers |", "| --- | --- | --- | --- |"]
    for name in PACKAGES:
        entry = data["packages"][name]
        classifiers = ", ".join(entry["classifiers"]) or "none listed"
        out.append(f"| {NAMES[name]} | {entry['pinned']} | `{entry['requires_python']}` | {classifiers} |")
    out += ["<!-- --8<-- [end:python] -->", "", "<!-- --8<-- [start:breaking] -->"]
    for name in PACKAGES:
        entry = data["packages"][name]
        out += [f"### {NAMES[name]}", ""]
        releases = breaking_releases(entry)
        if not releases:
            out += [f"No release of {NAMES[name]} in the window lists a breaking change.", ""]
            continue
        out += ["| Release | Date | Breaking change |", "| --- | --- | --- |"]
        for release in releases:
            for change in release["breaking"]:
                note = "" if release.get("reviewed", True) else " (the changelog's words, not yet reviewed)"
                see = f" ([on this site]({change['see']}))" if "see" in change else ""
                out.append(
                    f"| {release['version']} | {release['date']} | "
                    f"{cell(change['summary'])} ([source]({change['link']})){note}{see} |"
                )
        out.append("")
    out += ["<!-- --8<-- [end:breaking] -->", "", "<!-- --8<-- [start:advisories] -->"]
    advisories = data["advisories"]
    if not advisories["reached"]:
        sources = joined([f"[{NAMES[name]}]({ADVISORY_URL.format(package=name)})" for name in PACKAGES])
        out += [
            f"The advisory service could not be reached when the data was made ({cell(advisories['why'])});",
            f"the weekly workflow refreshes it. Until then, see each package's advisories on OSV: {sources}.",
        ]
    elif not advisories["items"]:
        out += [f"pip-audit reported no advisory affecting the pinned releases on {data['generated']}."]
    else:
        out += ["| ID | Package | Affected | Fixed in |", "| --- | --- | --- | --- |"]
        for item in advisories["items"]:
            out.append(
                f"| [{item['id']}]({item['link']}) | {NAMES.get(item['package'], item['package'])} | "
                f"{item['affected']} | {item['fixed']} |"
            )
    fixed = fixed_in_window(data)
    if fixed:
        not_read = {
            name: sum(release["date_source"] == UNREAD for release in data["packages"][name]["releases"])
            for name in PACKAGES
        }
        unread = [f"{count} of {NAMES[name]}'s" for name, count in not_read.items() if count]
        caveat = (
            f" (releases whose notes were not read here, {joined(unread)}, are not counted)" if unread else ""
        )
        out += ["", f"Fixed in the 12 months, as each release's changelog says{caveat}:", ""]
        out += ["| Advisory | Package | Fixed in | Released |", "| --- | --- | --- | --- |"]
        for name, release, advisory in fixed:
            link = ADVISORY_LINK.format(id=advisory)
            out.append(f"| [{advisory}]({link}) | {NAMES[name]} | {release['version']} | {release['date']} |")
    out += ["<!-- --8<-- [end:advisories] -->", ""]
    return "\n".join(out)


def fixed_in_window(data: dict) -> list[tuple[str, dict, str]]:
    """(package, release, advisory) for each advisory a release of the window fixes, oldest release first."""
    fixed = []
    for name in PACKAGES:
        for release in reversed(data["packages"][name]["releases"]):
            fixed += [(name, release, advisory) for advisory in release.get("fixes_advisories", [])]
    return fixed


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="only rewrite the page's tables from the data file, fetching nothing",
    )
    parser.add_argument("--requirements", type=Path, default=REQUIREMENTS, help="the pins (requirements.txt)")
    parser.add_argument("--data", type=Path, default=DATA_FILE, help="the data file to write")
    parser.add_argument("--report", type=Path, default=REPORT_FILE, help="the page's tables to write")
    parser.add_argument("--today", default=None, help="the end of the 12-month window, YYYY-MM-DD")
    options = parser.parse_args(argv)
    if options.today is not None:
        try:
            options.today = datetime.date.fromisoformat(options.today)
        except ValueError:
            parser.error(f"--today must be a date as YYYY-MM-DD, not {options.today!r}")
    else:
        options.today = datetime.date.today()
    if not options.requirements.is_file():
        parser.error(f"--requirements: {options.requirements} does not exist")
    return options


def main(argv: list[str]) -> int:
    options = parse_args(argv)
    try:
        if not options.render_only:
            previous = json.loads(options.data.read_text()) if options.data.exists() else None
            data = build(pinned_requirements(options.requirements), options.today, previous)
            options.data.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        data = json.loads(options.data.read_text())
    except (UpgradeDataError, OSError, json.JSONDecodeError) as error:
        print(f"upgrades: {error}", file=sys.stderr)
        return 1
    options.report.write_text(render(data))
    print(f"wrote {options.report}" + ("" if options.render_only else f" and {options.data}"))
    return 0
