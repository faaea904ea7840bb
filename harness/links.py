"""Check every internal link and anchor of a built site, and list its external links without fetching them.

MkDocs' own anchor validation reports links to content-tab anchors as missing
(mkdocs issue 3690) and skips anchors when run with -v. This checker reads
the built HTML instead, so every id a page really has counts, tab ids
included. It checks links (`href`), the files pages load (`src`) and tab
labels (`for`). Links to the site's own address (`site_url`, as in canonical
links) count as internal. External links are only listed: CI has no
internet.

    python -m scripts.check_links site/                    # after mkdocs build
    python -m scripts.check_links site/ --site-url https://example.org/docs/
"""

import argparse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src"}
LOCAL = "http://site.invalid/"  # where the pages are pretended to live, to resolve relative links


@dataclass
class LinkReport:
    broken: list[str] = field(default_factory=list)
    external: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # url -> pages
    checked: int = 0


def page_url(site: Path, html: Path) -> str:
    return LOCAL + html.relative_to(site).as_posix()


def target_file(site: Path, path: str) -> Path | None:
    """The file a site path resolves to, as a static server would serve it."""
    relative = unquote(path).lstrip("/")
    candidate = site / relative
    if candidate.is_dir() or path.endswith("/"):
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def ids_of(soup: BeautifulSoup) -> set[str]:
    return {tag["id"] for tag in soup.find_all(id=True)} | {
        tag["name"] for tag in soup.find_all("a", attrs={"name": True})
    }


def check_site(
    site: Path, site_url: str | None = None, pages: dict[str, BeautifulSoup] | None = None
) -> LinkReport:
    """Check a built site; links to `site_url`, or to absolute paths under its path, are internal.

    `pages` ({path in the site: parsed page}) saves parsing them again when the caller has.
    """
    report = LinkReport()
    site_path = urlsplit(site_url).path if site_url else "/"
    if pages is None:
        soups = {
            html: BeautifulSoup(html.read_text(), "html.parser") for html in sorted(site.rglob("*.html"))
        }
    else:
        soups = {site / name: soup for name, soup in sorted(pages.items())}
    ids = {html: ids_of(soup) for html, soup in soups.items()}
    for html, soup in soups.items():
        name = html.relative_to(site).as_posix()
        here = page_url(site, html)
        for label in soup.select("label[for]"):
            report.checked += 1
            if label["for"] not in ids[html]:
                report.broken.append(f"{name}: label for missing id #{label['for']}")
        for tag_name, attribute in ATTRIBUTES.items():
            for tag in soup.find_all(tag_name, attrs={attribute: True}):
                link = shown = tag[attribute]
                if site_url and link.startswith(site_url):
                    link = LOCAL + link.removeprefix(site_url)
                elif link.startswith(site_path) and site_path != "/":  # as in 404.html under a subpath
                    link = LOCAL + link.removeprefix(site_path)
                absolute = urljoin(here, link)
                parts = urlsplit(absolute)
                if parts.scheme in {"mailto", "tel", "data", "javascript"}:
                    continue
                if not absolute.startswith(LOCAL):
                    report.external[absolute].add(name)
                    continue
                report.checked += 1
                target = target_file(site, parts.path)
                if target is None:
                    report.broken.append(f"{name}: {shown} -> no such file")
                elif (
                    parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids[target]
                ):
                    report.broken.append(f"{name}: {shown} -> no #{parts.fragment} on that page")
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site's folder (mkdocs build --site-dir)")
    parser.add_argument(
        "--site-url", help="the address the site was built for (site_url); links to it are internal"
    )
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} is not a built site (it has no index.html); run mkdocs build first")
    report = check_site(args.site, args.site_url)
    print(f"External links (listed, not fetched): {len(report.external)}")
    for url, pages in sorted(report.external.items()):
        print(f"  {url}  ({len(pages)} page{'s' * (len(pages) > 1)})")
    print(f"Internal links, anchors and files checked: {report.checked}; broken: {len(report.broken)}")
    for problem in report.broken:
        print(f"  BROKEN {problem}")
    return 1 if report.broken else 0
