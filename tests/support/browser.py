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


# The pages tests/test_lighthouse.py audits: the home page and a topic page with many tab pairs.
LIGHTHOUSE_PAGES = ["", "topics/routing/"]


def lighthouse_audits(address: str) -> dict[str, dict]:
    """scripts/lighthouse.py's audit of each of LIGHTHOUSE_PAGES on the site served at `address`."""
    return {page: audit(address + page) for page in LIGHTHOUSE_PAGES}
