"""The site as the deploy builds it: at a subpath, for readers and for LLMs.

The deploy (.github/workflows/docs.yml) sets SITE_URL to the Pages address,
which for a project site has a path (/<repository>/), and REPO_URL to the
repository. The run's one build (tests/conftest.py) is made and served the
same way, and this module checks what hosting adds: "Edit this page",
llms.txt, the last-update date, the 404 page, and compression as GitHub Pages
sends it (harness/site_build.py's server). A copy without git history (an
archive) is built and checked by tests/test_new_topic.py, whose copy has none:
there every page shows the build date.
"""

import gzip
import subprocess
import urllib.request
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from harness.project import DOCS, ROOT
from harness.site_build import site_pages
from support.site import REPO_URL, tab_sets

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = pytest.mark.no_cover

# The built file of every page but 404.html: "index.html", "topics/routing/index.html", ...
CONTENT_PAGES = [f"{path}index.html" for path in site_pages()]


@pytest.fixture(scope="module")
def site_path(build) -> str:
    """The path the site is served under: "/fastapi-vs-flask/"."""
    return urlsplit(build.address).path


def source_of(page: str) -> str:
    """The Markdown file under docs/ a built page comes from."""
    folder = page.removesuffix("index.html").rstrip("/")
    return f"{folder}.md" if folder else "index.md"


def test_every_page_has_an_edit_button_to_its_source(pages):
    for name in CONTENT_PAGES:
        button = pages[name].select_one("a.md-content__button[rel=edit]")
        assert button is not None, f"{name} has no edit button"
        assert (DOCS / source_of(name)).is_file(), name
        assert button["href"] == f"{REPO_URL}/edit/main/docs/{source_of(name)}"


def test_no_page_asks_github_for_repository_facts(pages):
    """Material fetches stars and forks from GitHub's API for a source link marked as its component."""
    for name, soup in pages.items():
        assert soup.select_one("a.md-source") is not None, name
        assert soup.select_one('[data-md-component="source"]') is None, name


@pytest.mark.slow
def test_llms_txt_links_a_markdown_version_of_every_page(build, pages):
    listed = (build.site / "llms.txt").read_text()
    for name in CONTENT_PAGES:
        markdown = name.removesuffix(".html") + ".md"
        assert f"]({build.address}{markdown})" in listed, f"llms.txt does not list {name}"
        assert (build.site / markdown).is_file(), markdown
    assert (build.site / "llms-full.txt").stat().st_size > len(listed)


def fenced_blocks(markdown: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each fenced block of llms.txt's Markdown, with the line above it (where a title ends up)."""
    blocks, lines, index = [], markdown.splitlines(), 0
    while index < len(lines):
        if lines[index].startswith("```"):
            above = next((line for line in reversed(lines[:index]) if line.strip()), "")
            end = lines.index("```", index + 1)
            blocks.append((above, tuple(line.rstrip() for line in lines[index + 1 : end])))
            index = end
        index += 1
    return blocks


@pytest.mark.slow
def test_every_tabbed_block_keeps_its_framework_in_the_llms_markdown(build, pages):
    """llms.txt drops the tab labels; each block's title, which names the framework, must stay."""
    checked = 0
    for name in CONTENT_PAGES:
        markdown = (build.site / (name.removesuffix(".html") + ".md")).read_text()
        blocks = fenced_blocks(markdown)
        for tabs in tab_sets(pages[name]):
            for label, codes in tabs:
                for code in codes:
                    assert code.title.startswith(f"{label}: "), f"{name}: {code.title!r} under {label}"
                    assert (code.title, code.lines) in blocks, f"{name}: {code.title!r} lost in llms.txt"
                    checked += 1
    assert checked > 0


def shown_date(soup) -> str | None:
    date = soup.select_one("span.git-revision-date-localized-plugin-date")
    return date.get_text() if date else None


def long_date(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"


def build_dates() -> set[str]:
    """The date a build that just ran shows, allowing for one that ran across midnight (UTC)."""
    now = datetime.now(UTC)
    return {long_date(now), long_date(now - timedelta(minutes=10))}


def test_every_page_shows_the_date_of_its_last_commit(pages):
    for name in CONTENT_PAGES:
        log = subprocess.run(
            ["git", "log", "-1", "--format=%at", "--", f"docs/{source_of(name)}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        # A page not committed yet, or a copy of the project that is not a
        # git repository (log fails, as in tests/test_new_topic.py's copy),
        # shows the build date.
        last_commit = log.stdout.strip() if log.returncode == 0 else ""
        expected = (
            {long_date(datetime.fromtimestamp(int(last_commit), UTC))} if last_commit else build_dates()
        )
        assert shown_date(pages[name]) in expected, name


def test_the_404_page_helps_and_its_links_work_under_the_subpath(build, pages, site_path):
    """A server answers 404.html at any depth, so its links must be absolute, under the site's path."""
    soup = pages["404.html"]
    article = soup.select_one("article")
    assert "Page not found" in article.h1.get_text()
    assert "Search" in article.get_text()
    links = {a["href"] for a in article.select("a[href]")}
    assert f"{site_path}." in links, "no link home"
    for name in CONTENT_PAGES:
        if name != "index.html":
            assert site_path + name.removesuffix("index.html") in links, f"404.html does not link {name}"
    for tag in soup.select("[href], [src]"):
        url = tag.get("href") or tag.get("src")
        if url.startswith(("http:", "https:", "#", "data:")):
            continue
        assert url.startswith(site_path), f"404.html links {url}, outside {site_path}"
        target = build.site / url.removeprefix(site_path).split("#")[0]
        if target.is_dir():
            target = target / "index.html"
        assert target.is_file(), f"404.html links {url}, which the site does not have"


def fetch(url: str, accept_encoding: str | None = None) -> tuple[dict[str, str], bytes]:
    """The response's headers and body as sent (urllib decompresses nothing)."""
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
        return dict(response.headers), response.read()


def hosted_text_file(site, kind: str) -> tuple[str, str]:
    """(URL path as a browser asks for it, the file it is) for a page or Material's stylesheet."""
    if kind == "page":
        return "topics/routing/", "topics/routing/index.html"
    stylesheet = next(site.glob("assets/stylesheets/main.*.min.css")).relative_to(site).as_posix()
    return stylesheet, stylesheet


@pytest.mark.parametrize("kind", ["page", "stylesheet"])
def test_text_is_gzipped_only_for_a_browser_that_accepts_it(build, kind):
    """As GitHub Pages sends it, so that Lighthouse weighs what a reader downloads."""
    path, name = hosted_text_file(build.site, kind)
    on_disk = (build.site / name).read_bytes()
    headers, body = fetch(build.address + path, "gzip, deflate, br")  # what Chromium sends
    assert headers.get("Content-Encoding") == "gzip", headers
    assert headers.get("Vary") == "Accept-Encoding", headers
    assert len(body) < len(on_disk) / 2
    assert gzip.decompress(body) == on_disk
    for refuses in (None, "identity", "gzip;q=0, br"):
        headers, body = fetch(build.address + path, refuses)
        assert "Content-Encoding" not in headers, (refuses, headers)
        assert headers.get("Vary") == "Accept-Encoding", headers
        assert body == on_disk, refuses


def test_binary_files_are_sent_as_they_are(build):
    name = "assets/images/favicon.png"
    headers, body = fetch(build.address + name, "gzip")
    assert "Content-Encoding" not in headers, headers
    assert body == (build.site / name).read_bytes()
