"""Run Lighthouse over the built site and print each page's four category scores and its weight.

Builds the site, serves it on 127.0.0.1 and audits every page (or the pages
named) with the pinned npm package `lighthouse` driving Debian's Chromium.
Lighthouse's default settings apply: a mobile device with simulated
throttling. The local server compresses text as GitHub Pages does
(harness/site_build.py), so the weight is given twice: the transfer size,
what a reader downloads (Lighthouse's total byte weight), and the resource
size, what those files hold once decompressed (the sum over Lighthouse's
network requests). The performance score depends on how busy the machine
is: the CPU index column is Lighthouse's measure of the machine's speed
during the audit (its benchmark index); the simulated mobile CPU is 4 times
slower than whatever machine runs it, so a low index means an inflated
blocking time and a lower score. The blocking time column is Lighthouse's
total blocking time, the measure that long pages move most.

    python -m scripts.lighthouse                         # every page
    python -m scripts.lighthouse "" topics/routing/      # the home page and one topic page
    python -m scripts.lighthouse --json scores.json      # also write the figures as JSON
    python -m scripts.lighthouse --runs 5                # the median of 5 runs a page, and their range

The test suite audits two pages of its own build with `audit()` and `table()`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.site_build import built_pages, served_site
from harness.tools import CHROMIUM, CHROMIUM_FLAGS, LIGHTHOUSE, missing

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
NEEDS = ("node", "lighthouse", "chromium")


def audit(url: str, desktop: bool = False) -> dict:
    """One page's category scores (0-100), transfer and resource sizes (KiB), and CPU index."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(['--headless=new', *CHROMIUM_FLAGS])}",
        *(["--preset=desktop"] if desktop else []),
    ]
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=180)
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    failed = {
        name: [
            ref["id"]
            for ref in report["categories"][name]["auditRefs"]
            if ref["weight"] and (report["audits"][ref["id"]]["score"] or 0) < 1
        ]
        for name in CATEGORIES
    }
    return {
        "scores": scores,
        **weights(report),
        "cpu_index": round(report["environment"]["benchmarkIndex"]),
        "blocking_ms": round(report["audits"]["total-blocking-time"]["numericValue"]),
        "audits_below_full_score": failed,
    }


def weights(report: dict) -> dict[str, float]:
    """What the page loads, in KiB: as transferred (compressed) and as the files' own size.

    Data URLs are left out of the resource size: their bytes are already in
    the file that holds them, and nothing is transferred for them.
    """
    transfer = report["audits"]["total-byte-weight"]["numericValue"]
    requests = report["audits"]["network-requests"]["details"]["items"]
    resource = sum(item["resourceSize"] for item in requests if item["url"].startswith(("http:", "https:")))
    return {"transfer_kib": round(transfer / 1024, 1), "resource_kib": round(resource / 1024, 1)}


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score, and the range the runs' scores spanned.

    A single run's score moves with the machine; Lighthouse's own advice is to
    run it several times and take the median
    (https://github.com/GoogleChrome/lighthouse/blob/main/docs/variability.md).
    """
    ordered = sorted(runs, key=lambda run: run["scores"]["performance"])
    scores = [run["scores"]["performance"] for run in ordered]
    return {
        **ordered[(len(ordered) - 1) // 2],
        "performance_range": [scores[0], scores[-1]],
        "runs": len(runs),
    }


def performance_cell(result: dict) -> str:
    low, high = result.get("performance_range", [None, None])
    score = result["scores"]["performance"]
    return f"{score} ({low} to {high})" if low is not None and low != high else str(score)


def table(results: dict[str, dict]) -> str:
    lines = [
        "| Page | Performance | Accessibility | Best practices | SEO "
        "| Blocking ms | Transfer KiB | Resource KiB | CPU index |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for page, result in results.items():
        scores = " | ".join(
            [performance_cell(result), *(str(result["scores"][name]) for name in CATEGORIES[1:])]
        )
        lines.append(
            f"| /{page} | {scores} | {result['blocking_ms']} | {result['transfer_kib']:.0f}"
            f" | {result['resource_kib']:.0f}"
            f" | {result['cpu_index']} |"
        )
    return "\n".join(lines)


def positive_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of runs, 1 or more, not {text!r}")
    return count


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "pages",
        nargs="*",
        help='pages as paths below the site\'s address ("" is the home page); default: all',
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results to FILE as JSON")
    parser.add_argument(
        "--runs",
        type=positive_count,
        default=1,
        metavar="N",
        help="audit each page N times and report the run with the median performance score "
        "(default 1; Lighthouse suggests 5)",
    )
    parser.add_argument(
        "--desktop",
        action="store_true",
        help="audit as a desktop browser (default: Lighthouse's mobile settings)",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if problems := missing(*NEEDS):
        print("error: cannot run Lighthouse:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    with (
        tempfile.TemporaryDirectory(prefix="lighthouse-site-") as scratch,
        served_site(Path(scratch)) as build,
    ):
        address = build.address
        known = built_pages(build.site)
        unknown = [page for page in args.pages if page not in known]
        if unknown:
            print(
                f"error: no such page: {', '.join(map(repr, unknown))}; pages are: {known}", file=sys.stderr
            )
            return 2
        results = {}
        for page in args.pages or known:
            print(f"auditing /{page} ...", file=sys.stderr, flush=True)
            results[page] = median_run([audit(address + page, args.desktop) for _ in range(args.runs)])
    print(table(results))
    for page, result in results.items():
        below = {name: ids for name, ids in result["audits_below_full_score"].items() if ids}
        if below:
            print(f"/{page}: audits below full score: {below}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0
