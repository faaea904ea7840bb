"""Drive Debian's Chromium with Playwright over the built site, and watch what every page does.

Playwright's own browser download does not work on these machines, so the
tests launch /usr/bin/chromium (or CHROME_PATH; harness/tools.py).
"""

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

from harness.lighthouse import audit

SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's palette scheme
BLOCKING_IMPACTS = {"serious", "critical"}
# axe-core rules whose outcome depends on colours, the only thing a colour scheme changes.
COLOUR_RULES = ("color-contrast", "link-in-text-block")  # the ones axe runs by default


@dataclass
class Watch:
    """Everything a page did that a reader would not want: errors, failed loads, requests to other hosts.

    Requests to any other host are recorded and aborted, so a test never
    reaches the network and a single one fails the page.
    """

    origin: str
    problems: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)

    def attach(self, context) -> None:
        context.on("request", lambda request: self.requested.append(request.url))
        context.route("**/*", self._route)
        context.on("console", self._console)
        context.on("requestfailed", self._failed)
        context.on("response", self._response)
        context.on("page", lambda page: page.on("pageerror", self._page_error))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith((self.origin, "data:", "blob:")):
            route.continue_()
        else:
            self.problems.append(f"request to another host: {url}")
            route.abort()

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text} ({message.location.get('url')})")

    def _failed(self, request) -> None:
        # A load the browser drops itself because the page moved on (the favicon,
        # when a test navigates at once) is not a failure; a missing file is an
        # HTTP error, which _response records.
        if request.url.startswith(self.origin) and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed request: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _page_error(self, error) -> None:
        self.problems.append(f"uncaught exception: {error}")


# Draws everything the browser skips while it is off the screen (docs/stylesheets/rendering.css).
# axe-core reads colours from what is drawn where an element sits, so on content not yet drawn it
# reports contrast failures that are not there (dequelabs/axe-core#2768, open); a reader only ever
# sees such content drawn, as it comes near the screen, and that is what axe checks. Content drawn
# for the first time after a change of colour scheme fades to its colours (Material's transitions),
# so axe waits for the fades to end.
DRAW_EVERYTHING = """async () => {
    const style = document.createElement('style');
    style.id = 'draw-everything';
    style.textContent = '.deferred-section, pre.deferred > code { content-visibility: visible !important }';
    document.head.append(style);
    document.body.getBoundingClientRect();  // draw it now, starting any fade
    await Promise.allSettled(document.getAnimations().map(animation => animation.finished));
}"""
UNDO_DRAW_EVERYTHING = "() => document.getElementById('draw-everything').remove()"


# Every layout shift since the page started, from Chrome's Layout Instability API: run as an init
# script, before the page's own, and with `buffered` it also gets the shifts of the first frames.
# Each is what moved that a reader could see: a section drawn a frame late, a title pushed onto a
# second line by a button added after it.
RECORD_LAYOUT_SHIFTS = """
window.layoutShifts = [];
new PerformanceObserver(list => {
    for (const shift of list.getEntries()) {
        const moved = shift.sources.map(({node}) => node && node.nodeType === Node.ELEMENT_NODE
            ? `${node.tagName.toLowerCase()}.${node.className}` : 'text');
        const when = `${Math.round(shift.startTime)} ms`;
        window.layoutShifts.push(`${shift.value.toFixed(4)} at ${when}: ${moved.join(', ')}`);
    }
}).observe({type: 'layout-shift', buffered: true});
"""


def layout_shifts(page, screen: str) -> list[str]:
    """What moved on the page, as a reader with this screen saw it start (RECORD_LAYOUT_SHIFTS)."""
    return [f"moves as it starts on a {screen}: {shift}" for shift in page.evaluate("window.layoutShifts")]


# How far the page's title reaches below its own words, in px: more than a few means an empty line,
# such as the hidden permalink wrapped under a long title beside the floated buttons.
TITLE_EMPTY_LINE_PX = """() => {
    const title = document.querySelector('article h1');
    const words = document.createRange();
    words.selectNodeContents(title.firstChild);
    return title.getBoundingClientRect().bottom - words.getBoundingClientRect().bottom;
}"""


def title_problems(page, screen: str) -> list[str]:
    """An empty line under the title on this screen (TITLE_EMPTY_LINE_PX)."""
    below = page.evaluate(TITLE_EMPTY_LINE_PX)
    return [f"the title has an empty line under it on a {screen} ({below:.0f} px)"] if below > 4 else []


def serious_violations(page, rules: tuple[str, ...] = ()) -> list[str]:
    """axe-core's serious and critical findings on the page as drawn (only `rules`, if given)."""
    options = {"resultTypes": ["violations"]}  # the library's default: no list of what passed
    if rules:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    page.evaluate(DRAW_EVERYTHING)
    try:
        response = Axe().run(page, options=options).response
    finally:
        page.evaluate(UNDO_DRAW_EVERYTHING)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def tab_choices(page) -> list[list[str]]:
    """For every tab set on the page, its labels with the chosen one first."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.tabbed-set')].map(set => {
            const inputs = [...set.querySelectorAll(':scope > input')];
            const label = input => set.querySelector(`label[for="${input.id}"]`).innerText.trim();
            const chosen = inputs.find(input => input.checked);
            return [label(chosen), ...inputs.filter(input => input !== chosen).map(label)];
        })"""
    )


# The side-by-side view (docs/javascripts/side-by-side.js, docs/stylesheets/side-by-side.css).
PAIR_LABELS = ["FastAPI", "Flask"]
ALIGNED_PX = 3  # how far apart the tops of two code blocks shown side by side may be


def tab_panels(page) -> list[list[dict]]:
    """For every tab set in the content, in order: each panel's label text, and where the reader sees
    its label and its first code block (page coordinates, or None when not shown)."""
    return page.evaluate(
        """() => {
            const box = element => {
                if (!element || !element.checkVisibility()) return null;
                const rect = element.getBoundingClientRect();
                if (!rect.width || !rect.height) return null;
                return {x: rect.left + scrollX, y: rect.top + scrollY,
                        right: rect.right + scrollX, bottom: rect.bottom + scrollY};
            };
            return [...document.querySelectorAll('.md-content .tabbed-set')].map(set => {
                const blocks = [...set.querySelectorAll(':scope > .tabbed-content > .tabbed-block')];
                return [...set.querySelectorAll(':scope > .tabbed-labels > label')].map((label, i) => ({
                    label: label.textContent.trim(),
                    label_box: box(label),
                    code_box: box(blocks[i].querySelector('.highlight, pre')),
                }));
            });
        }"""
    )


def is_pair(panels: list[dict]) -> bool:
    return sorted(panel["label"] for panel in panels) == PAIR_LABELS


def shown_side_by_side(panels: list[dict]) -> bool:
    """Both code blocks shown, the second to the right of the first, tops aligned, each under its
    own label."""
    if len(panels) != 2 or not all(panel["code_box"] and panel["label_box"] for panel in panels):
        return False
    left, right = (panel["code_box"] for panel in panels)
    return (
        left["right"] <= right["x"]
        and abs(left["y"] - right["y"]) <= ALIGNED_PX
        and all(
            abs(panel["label_box"]["x"] - panel["code_box"]["x"]) <= ALIGNED_PX
            and panel["label_box"]["bottom"] <= panel["code_box"]["y"] + ALIGNED_PX
            for panel in panels
        )
    )


def shown_as_tabs(panels: list[dict]) -> bool:
    """Every label shown, and the code of exactly one panel."""
    return all(panel["label_box"] for panel in panels) and sum(bool(p["code_box"]) for p in panels) == 1


# Tab sets that are not a FastAPI/Flask pair, in Material's markup (pymdownx.tabbed, alternate
# style), for a test to put into a page: no page of the site has one today.
OTHER_TAB_SETS = "".join(
    f"""<div class="tabbed-set tabbed-alternate" data-tabs="{number}:{len(labels)}">"""
    + "".join(
        f'<input {"checked " if i == 1 else ""}id="__tabbed_{number}_{i}" name="__tabbed_{number}" '
        'type="radio" />'
        for i in range(1, len(labels) + 1)
    )
    + '<div class="tabbed-labels">'
    + "".join(f'<label for="__tabbed_{number}_{i}">{label}</label>' for i, label in enumerate(labels, 1))
    + '</div><div class="tabbed-content">'
    + "".join(
        f'<div class="tabbed-block"><div class="highlight"><pre><code>{label} code</code></pre></div></div>'
        for label in labels
    )
    + "</div></div>"
    for number, labels in [(901, ["Linux", "macOS"]), (902, ["FastAPI", "Flask", "Quart"])]
)


def add_other_tab_sets(html: str) -> str:
    """The page's HTML with OTHER_TAB_SETS at the start of its content, after the title."""
    title_end = html.index("</h1>") + len("</h1>")
    return html[:title_end] + OTHER_TAB_SETS + html[title_end:]


# Stands in for a browser whose storage is blocked (site data off): every access throws a
# SecurityError, as an Error rather than a DOMException so that its stack names the script.
BLOCKED_STORAGE = """
for (const name of ["getItem", "setItem", "removeItem", "key", "clear"]) {
    Storage.prototype[name] = () => {
        const error = new Error("The operation is insecure.");
        error.name = "SecurityError";
        throw error;
    };
}
"""


# The pages tests/test_lighthouse.py audits: the home page and a topic page with many tab pairs.
LIGHTHOUSE_PAGES = ["", "topics/routing/"]


def lighthouse_audits(address: str) -> dict[str, dict]:
    """harness/lighthouse.py's audit of each of LIGHTHOUSE_PAGES on the site served at `address`."""
    return {page: audit(address + page) for page in LIGHTHOUSE_PAGES}


# What a reader sees on a phone and on a laptop (harness/site_hooks.py,
# docs/stylesheets/tables.css, docs/stylesheets/side-by-side.css).
COLUMN_CHARACTERS = 50  # the side-by-side view is offered only where each column holds this many

# Each table wider than its place on the screen (it would hide a column behind a
# sideways scroll), by its headers; folded blocks are opened first.
HIDDEN_COLUMNS = """() => {
    for (const details of document.querySelectorAll('article details')) details.open = true;
    return [...document.querySelectorAll('article .md-typeset__scrollwrap')]
        .filter(wrap => wrap.checkVisibility() && wrap.scrollWidth > wrap.clientWidth + 1)
        .map(wrap => [...wrap.querySelectorAll('th')].map(th => th.textContent.trim()).join(' | '));
}"""

# Each token of code in a table cell that the browser broke over two lines.
BROKEN_TOKENS = """() => {
    const broken = [];
    for (const code of document.querySelectorAll('article td code, article th code')) {
        if (!code.checkVisibility()) continue;
        const texts = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
        for (let node = texts.nextNode(); node; node = texts.nextNode()) {
            for (const match of node.textContent.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
                if (lines.size > 1) broken.push(match[0]);
            }
        }
    }
    return broken;
}"""

# For each FastAPI/Flask pair shown side by side: the blocks of the two panels whose tops differ,
# as "row n: a px / b px".
MISALIGNED_ROWS = """() => {
    const out = [];
    document.querySelectorAll('.side-by-side-pair').forEach((pair, index) => {
        const [left, right] = [...pair.querySelectorAll(':scope > .tabbed-content > .tabbed-block')]
            .map(panel => [...panel.children]
                .filter(child => child.checkVisibility())  // a hidden child takes no row
                .map(child => child.getBoundingClientRect().top));
        for (let row = 0; row < Math.min(left.length, right.length); row++) {
            if (Math.abs(left[row] - right[row]) > 3) {
                const tops = `${Math.round(left[row])} / ${Math.round(right[row])} px`;
                out.push(`pair ${index + 1}, row ${row + 1}: ${tops}`);
            }
        }
    });
    return out;
}"""

# How many characters of code one side-by-side column shows, at the narrowest pair.
COLUMN_WIDTH_IN_CHARACTERS = """() => Math.min(
    ...[...document.querySelectorAll('.side-by-side-pair pre > code')]
    .filter(code => code.checkVisibility())
    .map(code => {
        const probe = document.createElement('span');
        probe.textContent = '0'.repeat(100);
        code.append(probe);
        const character = probe.getBoundingClientRect().width / 100;
        probe.remove();
        const style = getComputedStyle(code);
        const room = code.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return Math.floor(room / character);
    }))"""

# The width of the page's running text: the first paragraph of its content, at the top or in a
# section the browser draws when it comes near the screen (harness/site_hooks.py).
PROSE_WIDTH = """() => document.querySelector(
    'article.md-content__inner > p, article.md-content__inner > .deferred-section > p'
).getBoundingClientRect().width"""


def side_by_side_problems(page) -> list[str]:
    """Switch the side-by-side view on (the page has pairs, the screen is wide) and say what is wrong
    with it: rows that do not line up, prose that changed width, columns too narrow for code."""
    prose = page.evaluate(PROSE_WIDTH)
    page.locator(".side-by-side-toggle").click()
    page.wait_for_function("document.documentElement.classList.contains('side-by-side')")
    problems = [f"side by side, not level: {row}" for row in page.evaluate(MISALIGNED_ROWS)]
    if abs(page.evaluate(PROSE_WIDTH) - prose) > 1:
        problems.append(
            f"side by side changes the prose's width: {prose} px -> {page.evaluate(PROSE_WIDTH)} px"
        )
    characters = page.evaluate(COLUMN_WIDTH_IN_CHARACTERS)
    if characters < COLUMN_CHARACTERS:
        problems.append(f"side by side: a column holds {characters} characters, under {COLUMN_CHARACTERS}")
    page_width, screen_width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    if page_width > screen_width:
        problems.append(f"side by side scrolls the page sideways ({page_width} px > {screen_width} px)")
    return problems


def phone_problems(page) -> list[str]:
    """At phone width: tables that hide a column, code in a cell broken inside a token."""
    problems = [f"a table hides columns on a phone: {table}" for table in page.evaluate(HIDDEN_COLUMNS)]
    broken = page.evaluate(BROKEN_TOKENS)
    if broken:
        problems.append(f"code in a table cell breaks inside a token on a phone: {sorted(set(broken))[:5]}")
    return problems
