"""Drive Debian's Chromium with Playwright over the built site, and watch what every page does.

Playwright's own browser download does not work on these machines, so the
tests launch /usr/bin/chromium (or CHROME_PATH; scripts/tools.py).
"""

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

from scripts.lighthouse import audit

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


def serious_violations(page, rules: tuple[str, ...] = ()) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (only `rules`, if given)."""
    options = {"resultTypes": ["violations"]}  # the library's default: no list of what passed
    if rules:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    response = Axe().run(page, options=options).response
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
    """scripts/lighthouse.py's audit of each of LIGHTHOUSE_PAGES on the site served at `address`."""
    return {page: audit(address + page) for page in LIGHTHOUSE_PAGES}
