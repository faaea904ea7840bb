"""The comparative sentences of a page's prose: where a page says one thing is faster, lighter or level.

A page's Markdown, less what is not prose (front matter, code, included
files, the folded "How this page is tested" block, the article's words it
quotes, link targets and HTML tags), split into sentences; list items and
table cells are blocks of their own. A sentence is
comparative when it uses one of the words in COMPARATIVE.
"""

import re
from pathlib import Path

COMPARATIVE = re.compile(
    r"\b("
    r"faster|slower|fastest|slowest|quicker|outrun\w*|outperform\w*|outpace\w*|"
    r"leads?|ahead|behind|level with|keeps? up|falls? (?:well )?short|"
    r"higher|lower|fewer|less|(?<!at )least|most(?! of all)|cheaper|costlier|lighter|heavier|"
    r"better|worse|beats?|wins?|ties?|tied|"
    r"more (?:requests|memory|threads|throughput|clients|connections)"
    r")\b|\d+(?:\.\d+)?\N{MULTIPLICATION SIGN}",
    re.IGNORECASE,
)
LIST_ITEM = re.compile(r"^(?:[-*]|\d+\.)\s+")
SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?=[A-Z*(\[])")


def prose_blocks(markdown: str) -> list[str]:
    """The page's paragraphs, list items and table cells, without what is not prose."""
    text = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.DOTALL)
    lines = text.splitlines()
    kept: list[str] = []
    fence = False
    tested_block = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = not fence
            continue
        if fence or stripped.startswith("--8<--"):
            continue
        if line.startswith('??? info "How this page is tested"'):
            tested_block = True
            continue
        if tested_block:
            if line and not line.startswith(" "):
                tested_block = False
            else:
                continue
        if stripped.startswith("|") and set(stripped) <= set("|-: "):
            continue  # a table's alignment row
        if stripped.startswith("|"):
            kept += ["", *(cell.strip() for cell in stripped.strip("|").split("|")), ""]
            continue
        if stripped.startswith(">"):
            continue  # the article's own words, quoted: what the page checks, not what it claims
        if LIST_ITEM.match(stripped):
            kept.append("")  # each list item is a block of its own
            stripped = LIST_ITEM.sub("", stripped)
        kept.append(stripped)
    blocks = "\n".join(kept).split("\n\n")
    return [" ".join(block.split()) for block in blocks if block.strip()]


def clean(block: str) -> str:
    block = re.sub(r"\]\([^)]*\)", "]", block)  # link targets
    block = re.sub(r"<[^>]+>", "", block)  # HTML tags, as the decision guide's badges
    block = re.sub(r"^(!!!|\?\?\?)\s+\w+(\s+\"[^\"]*\")?", "", block)  # admonition openers
    return block.replace("**", "").replace("`", "").strip()


def sentences(path: Path) -> list[str]:
    return [
        sentence.strip()
        for block in prose_blocks(path.read_text())
        for sentence in SENTENCE_END.split(clean(block))
        if sentence.strip()
    ]


def comparatives(path: Path) -> list[str]:
    """The page's sentences that compare."""
    return [sentence for sentence in sentences(path) if COMPARATIVE.search(sentence)]
