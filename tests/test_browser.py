"""The built site in a real browser: what a reader clicks works, every page is clean and accessible.

Each page is loaded in Debian's Chromium from a local server, in both color
schemes and on a phone-sized screen. A page fails on any console error,
failed request or request to another host (those are aborted, so a Google
Fonts link or a CDN script fails here), and on any serious or critical axe-core
finding. The interaction tests click through linked tabs, the side-by-side view,
the copy button, search, the theme toggle and the phone navigation drawer.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

from harness.project import SNIPPETS
from harness.site_build import site_pages
from harness.tools import CHROMIUM, CHROMIUM_FLAGS
from support.browser import (
    BLOCKED_STORAGE,
    COLOUR_RULES,
    RECORD_LAYOUT_SHIFTS,
    SCHEMES,
    Watch,
    add_other_tab_sets,
    is_pair,
    layout_shifts,
    phone_problems,
    serious_violations,
    shown_as_tabs,
    shown_side_by_side,
    side_by_side_problems,
    tab_choices,
    tab_panels,
    title_problems,
)
from support.reading import IN_SHORT, is_prose
from support.site import as_shown

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.no_cover]

PAGES = site_pages()
PHONE = {"width": 390, "height": 844}  # a common phone today
NARROW_PHONE = {"width": 375, "height": 812}  # the narrowest phone the page must fit
WIDE = {"width": 1440, "height": 900}  # a laptop: wide enough for the side-by-side view
TOPIC = "topics/routing/"  # a page with many tab pairs
NEXT_TOPIC = "topics/requests-and-errors/"
WORKERS = 2  # browsers checking pages at once: one per core


@pytest.fixture(scope="module")
def browser(require_tools):
    require_tools("chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def visit(browser, build):
    """Open a page of the site in a fresh browser context; return the page and what it was seen doing."""
    contexts = []

    def open_page(path: str, color_scheme: str = "light", **options):
        context = browser.new_context(color_scheme=color_scheme, **options)
        contexts.append(context)
        watch = Watch(origin=build.address)
        watch.attach(context)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(build.address + path, wait_until="networkidle")
        return page, watch

    yield open_page
    for context in contexts:
        context.close()


def wait_for(page, condition: str, what: str, timeout: float = 5000) -> None:
    """Wait until the JavaScript `condition` holds; fail saying `what` did not happen."""
    try:
        page.wait_for_function(condition, timeout=timeout)
    except PlaywrightTimeoutError:
        pytest.fail(f"{what} did not happen within {timeout / 1000:.0f} s")


def scheme(page) -> str:
    return page.locator("body").get_attribute("data-md-color-scheme")


def scroll_to(page, locator) -> None:
    """Scroll `locator` into view and wait until the browser has drawn it (two frames)."""
    locator.scroll_into_view_if_needed()
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def follow_nav_link(page, path: str) -> None:
    """Click the link to `path` in the navigation, as a reader would, and wait for the new page."""
    page.locator(f'nav.md-nav--primary a.md-nav__link[href$="{path}"]').first.click()
    page.wait_for_url(f"**/{path}")
    page.wait_for_load_state("networkidle")


# The title of the first block under a page's title, as a reader sees it ("" if it is not an admonition).
FIRST_BLOCK_TITLE = """() => {
    let block = document.querySelector('article h1')?.nextElementSibling;
    while (block && ['A', 'BUTTON'].includes(block.tagName)) block = block.nextElementSibling;
    return block?.querySelector(':scope > .admonition-title, :scope > summary')?.textContent.trim() ?? '';
}"""


def path_name(path: str) -> str:
    """A page's path below the site's address as its built file: "topics/x/" -> "topics/x/index.html"."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def check_page(browser, address: str, path: str) -> list[str]:
    """Everything wrong with one page: anything that moves as it starts on a laptop and on a phone;
    axe in the light scheme, then, switched with the toggle, in the dark one; side by side on a
    laptop, where the page has pairs; the tables and the layout at phone widths; and any console
    error or failed request on the way."""
    context = browser.new_context(color_scheme="light", viewport=WIDE)
    try:
        watch = Watch(origin=address)
        watch.attach(context)
        context.set_default_timeout(10_000)
        context.add_init_script(RECORD_LAYOUT_SHIFTS)
        page = context.new_page()
        page.goto(address + path, wait_until="networkidle")
        problems = layout_shifts(page, "laptop") + title_problems(page, "laptop")
        if scheme(page) != SCHEMES["light"]:
            problems.append(f"loads in the {scheme(page)} scheme")
        if is_prose(path_name(path)) and page.evaluate(FIRST_BLOCK_TITLE) != IN_SHORT:
            problems.append(f"the first thing under the title is not its {IN_SHORT!r}")
        problems += [f"light scheme: {finding}" for finding in serious_violations(page)]
        page.locator("form[data-md-component=palette] label:visible").click()
        page.wait_for_function(f"document.body.dataset.mdColorScheme === '{SCHEMES['dark']}'", timeout=5000)
        # The schemes differ only in colour, so the dark pass runs axe's colour rules.
        problems += [f"dark scheme: {finding}" for finding in serious_violations(page, COLOUR_RULES)]
        page.set_viewport_size(WIDE)
        if page.locator(".side-by-side-toggle").is_visible():
            problems += side_by_side_problems(page)
            page.locator(".side-by-side-toggle").click()  # off again
        page.set_viewport_size(PHONE)
        page.reload(wait_until="networkidle")
        problems += layout_shifts(page, "phone") + title_problems(page, "phone")
        problems += phone_problems(page)
        page.set_viewport_size(NARROW_PHONE)
        page_width, screen_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if page_width > screen_width:
            problems.append(f"scrolls sideways on a phone ({page_width} px > {screen_width} px)")
        # A code block wider than the screen must scroll inside itself.
        overflowing = page.evaluate(
            """[...document.querySelectorAll('pre > code')]
                .filter(code => code.scrollWidth > code.clientWidth)
                .map(code => getComputedStyle(code).overflowX)"""
        )
        if not set(overflowing) <= {"auto", "scroll"}:
            problems.append(
                f"wide code that does not scroll on a phone: overflow-x {sorted(set(overflowing))}"
            )
        return problems + watch.problems
    except PlaywrightError as error:
        return [f"{type(error).__name__}: {error}"]
    finally:
        context.close()


def check_pages(address: str, paths: list[str]) -> dict[str, list[str]]:
    """check_page for each path, in this thread's own browser (Playwright's sync API is per thread)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            return {path: check_page(browser, address, path) for path in paths}
        finally:
            browser.close()


@pytest.fixture(scope="module")
def page_problems(require_tools, build) -> dict[str, list[str]]:
    """Every page checked once, by WORKERS browsers at a time: the checks wait on Chromium, not on Python."""
    require_tools("chromium")
    shares = [PAGES[worker::WORKERS] for worker in range(WORKERS)]
    with ThreadPoolExecutor(WORKERS) as pool:
        results = pool.map(check_pages, [build.address] * WORKERS, shares)
        return {path: problems for result in results for path, problems in result.items()}


# The first test's setup checks every page (page_problems), a few seconds each on two browsers:
# its time grows with the site, so its bound does too, instead of the suite's 120 s.
@pytest.mark.timeout(60 + 10 * len(PAGES))
@pytest.mark.parametrize("path", PAGES)
def test_page_is_clean_accessible_in_both_schemes_and_fits_a_phone(page_problems, path):
    assert page_problems[path] == []


@pytest.mark.parametrize("color_scheme", SCHEMES)
def test_the_systems_colour_scheme_chooses_the_sites(visit, color_scheme):
    page, watch = visit("", color_scheme)
    assert scheme(page) == SCHEMES[color_scheme]
    assert watch.problems == []


def test_wide_code_scrolls_inside_its_block_on_a_phone(visit):
    page, _ = visit(TOPIC, viewport=PHONE)
    wide = page.locator("pre > code").first
    assert wide.evaluate("code => code.scrollWidth > code.clientWidth"), (
        "expected a code block wider than 375 px"
    )
    wide.evaluate("code => { code.scrollLeft = 100; }")
    assert wide.evaluate("code => code.scrollLeft") > 0
    assert page.evaluate("window.scrollX") == 0


def test_navigation_drawer_opens_on_a_phone(visit):
    page, watch = visit(TOPIC, viewport=PHONE)
    link = page.locator(f'nav.md-nav--primary a.md-nav__link[href$="{NEXT_TOPIC}"]').first
    assert not link.is_visible() or link.bounding_box()["x"] < 0, "the drawer is open before it is asked for"
    page.locator('label.md-header__button[for="__drawer"]').click()
    wait_for(page, "document.getElementById('__drawer').checked", "opening the drawer")
    # The drawer opens on the current page's section, which lists the next topic.
    link.wait_for(state="visible")
    page.wait_for_timeout(400)  # the drawer slides in
    box = link.bounding_box()
    assert box is not None and 0 <= box["x"] < PHONE["width"]
    link.click()
    page.wait_for_url(f"**/{NEXT_TOPIC}")
    assert watch.problems == []


def test_choosing_flask_switches_every_tab_pair_and_sticks(visit):
    page, watch = visit(TOPIC)
    pairs = [choice for choice in tab_choices(page) if "Flask" in choice]
    assert len(pairs) >= 3 and all(choice[0] == "FastAPI" for choice in pairs)

    page.locator(".tabbed-labels label", has_text="Flask").first.click()
    everywhere_flask = """() => [...document.querySelectorAll('.tabbed-set')]
        .map(set => set.querySelector(':scope > input:checked'))
        .map(input => document.querySelector(`label[for="${input.id}"]`).innerText.trim())
        .every(label => label === 'Flask' || !['FastAPI'].includes(label))"""
    wait_for(page, everywhere_flask, "every tab pair switching to Flask")
    assert all(choice[0] == "Flask" for choice in tab_choices(page) if "Flask" in choice)

    page.evaluate("window.stillTheSameDocument = true")
    follow_nav_link(page, NEXT_TOPIC)
    assert page.evaluate("window.stillTheSameDocument === true"), "instant navigation did not handle the link"
    wait_for(page, everywhere_flask, "Flask staying chosen after instant navigation")

    page.reload(wait_until="networkidle")
    wait_for(page, everywhere_flask, "Flask staying chosen after a reload")
    assert watch.problems == []


def side_by_side_button(page):
    return page.get_by_role("button", name="Side by side")


def wait_for_pairs(page, check, what: str, timeout: float = 5.0) -> list[list[dict]]:
    """Wait until every FastAPI/Flask tab pair on the page passes `check` (support.browser); return them."""
    deadline = time.monotonic() + timeout
    while True:
        pairs = [panels for panels in tab_panels(page) if is_pair(panels)]
        failing = [panels for panels in pairs if not check(panels)]
        if pairs and not failing:
            return pairs
        if time.monotonic() > deadline:
            shown = failing[0] if failing else "no FastAPI/Flask pair"
            pytest.fail(f"{what} did not happen within {timeout:.0f} s; {len(failing)} pairs not so: {shown}")
        page.wait_for_timeout(100)


def test_side_by_side_shows_both_code_blocks_and_sticks(visit):
    page, watch = visit(TOPIC, viewport=WIDE)
    assert len(wait_for_pairs(page, shown_as_tabs, "tabs until the reader asks")) >= 3
    button = side_by_side_button(page)
    assert button.is_visible() and button.get_attribute("aria-pressed") == "false"
    button.focus()
    page.keyboard.press("Enter")  # keyboard operable
    assert button.get_attribute("aria-pressed") == "true"
    wait_for_pairs(page, shown_side_by_side, "every pair showing both code blocks side by side")

    page.evaluate("window.stillTheSameDocument = true")
    follow_nav_link(page, NEXT_TOPIC)
    assert page.evaluate("window.stillTheSameDocument === true"), "instant navigation did not handle the link"
    wait_for_pairs(page, shown_side_by_side, "side by side after instant navigation")
    assert side_by_side_button(page).get_attribute("aria-pressed") == "true"

    page.reload(wait_until="networkidle")
    wait_for_pairs(page, shown_side_by_side, "side by side after a reload")
    assert side_by_side_button(page).get_attribute("aria-pressed") == "true"
    assert watch.problems == []


def test_switched_off_the_linked_tabs_work_as_before(visit):
    page, watch = visit(TOPIC, viewport=WIDE)
    button = side_by_side_button(page)
    button.click()
    wait_for_pairs(page, shown_side_by_side, "side by side")
    button.focus()
    page.keyboard.press("Space")
    assert button.get_attribute("aria-pressed") == "false"
    wait_for_pairs(page, shown_as_tabs, "every pair back to tabs")

    # Clicking Flask in one pair (not the first) switches every pair, as test_choosing_flask_... checks.
    page.locator(".tabbed-labels label", has_text="Flask").nth(1).click()

    def flask_shown(panels):
        return shown_as_tabs(panels) and [p["label"] for p in panels if p["code_box"]] == ["Flask"]

    wait_for_pairs(page, flask_shown, "every pair switching to Flask")
    page.reload(wait_until="networkidle")
    wait_for_pairs(page, flask_shown, "Flask, in tabs, after a reload")
    assert side_by_side_button(page).get_attribute("aria-pressed") == "false"
    assert watch.problems == []


def test_phones_get_tabs_even_with_side_by_side_on(visit):
    page, watch = visit(TOPIC, viewport=WIDE)
    side_by_side_button(page).click()
    wait_for_pairs(page, shown_side_by_side, "side by side on a wide screen")
    page.set_viewport_size(PHONE)
    for moment in ("turned to phone width", "reloaded at phone width"):
        wait_for_pairs(page, shown_as_tabs, f"tabs on a phone ({moment})")
        assert not side_by_side_button(page).is_visible(), moment
        page_width, screen_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert page_width <= screen_width, f"{moment}: scrolls sideways ({page_width} px > {screen_width} px)"
        page.reload(wait_until="networkidle")
    # The choice was kept all along: a wide screen shows the pairs side by side again.
    page.set_viewport_size(WIDE)
    wait_for_pairs(page, shown_side_by_side, "side by side on a wide screen again")
    assert watch.problems == []


def test_side_by_side_is_accessible_in_both_schemes(visit):
    page, watch = visit(TOPIC, viewport=WIDE)
    side_by_side_button(page).click()
    wait_for_pairs(page, shown_side_by_side, "side by side")
    assert serious_violations(page) == []
    page.locator("form[data-md-component=palette] label:visible").click()
    wait_for(page, f"document.body.dataset.mdColorScheme === '{SCHEMES['dark']}'", "the dark scheme")
    assert serious_violations(page, COLOUR_RULES) == []
    assert watch.problems == []


def test_only_fastapi_flask_pairs_go_side_by_side(visit, build):
    def add_tab_sets(route):
        response = route.fetch()
        route.fulfill(response=response, body=add_other_tab_sets(response.text()))

    page, watch = visit(TOPIC, viewport=WIDE)
    side_by_side_button(page).click()
    page.route(build.address + TOPIC, add_tab_sets)
    page.reload(wait_until="networkidle")
    others = [panels for panels in tab_panels(page) if not is_pair(panels)]
    assert [[panel["label"] for panel in panels] for panels in others] == [
        ["Linux", "macOS"],
        ["FastAPI", "Flask", "Quart"],
    ]
    wait_for_pairs(page, shown_side_by_side, "the pairs side by side")
    assert [panels for panels in others if not shown_as_tabs(panels)] == []

    # A page whose only tab sets are not pairs has no button, and stays as it was.
    page.route(build.address + "decision-guide/", add_tab_sets)
    page.goto(build.address + "decision-guide/", wait_until="networkidle")
    assert side_by_side_button(page).count() == 0
    others = tab_panels(page)
    assert len(others) == 2 and [panels for panels in others if not shown_as_tabs(panels)] == []
    assert watch.problems == []


def test_side_by_side_lasts_the_visit_without_storage(visit):
    page, _ = visit(TOPIC, viewport=WIDE)
    # Material's own inline scripts throw without storage; only errors from ours fail this test.
    errors = []
    page.on("pageerror", lambda error: errors.append(error.stack or error.message))
    page.context.add_init_script(BLOCKED_STORAGE)
    page.reload(wait_until="networkidle")
    assert errors, "expected Material's own scripts to fail without storage: is storage blocked?"

    def ours():
        return [error for error in errors if "side-by-side.js" in error]

    assert ours() == []
    side_by_side_button(page).click()
    wait_for_pairs(page, shown_side_by_side, "side by side without storage")
    page.evaluate("window.stillTheSameDocument = true")
    follow_nav_link(page, NEXT_TOPIC)
    assert page.evaluate("window.stillTheSameDocument === true"), "instant navigation did not handle the link"
    wait_for_pairs(page, shown_side_by_side, "side by side after instant navigation, without storage")
    assert ours() == []


def test_copy_button_copies_exactly_the_snippet_file(visit):
    snippet = SNIPPETS / "hello" / "fastapi_app.py"
    page, watch = visit("ease-of-use/", permissions=["clipboard-read", "clipboard-write"])
    block = page.locator(
        ".highlight", has=page.locator(".filename", has_text="snippets/hello/fastapi_app.py")
    )
    block.first.hover()
    block.first.locator('button[data-md-type="copy"]').click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.rstrip("\n") == as_shown(snippet).rstrip("\n")
    assert watch.problems == []


def test_search_index_is_downloaded_only_when_search_is_used(visit):
    page, watch = visit("")
    follow_nav_link(page, "decision-guide/")
    assert not [url for url in watch.requested if url.endswith("/search/search_index.json")]
    with page.expect_request("**/search/search_index.json"):
        page.locator("input.md-search__input").click()
    assert watch.problems == []


@pytest.mark.parametrize("query", ["BackgroundTasks", "Pydantic"])
def test_search_finds_and_opens_the_right_section(visit, query):
    page, watch = visit("")
    page.locator("input.md-search__input").click()
    page.keyboard.type(query)
    # The first result shown that leads to a section rather than to the top of a page.
    first = page.locator('.md-search-result__item a[href*="#"]:visible').first
    first.wait_for()
    target = urlsplit(first.get_attribute("href"))
    first.click()
    page.wait_for_url(
        lambda url: urlsplit(url).path == target.path and urlsplit(url).fragment == target.fragment
    )
    fragment = urlsplit(page.url).fragment
    page.locator(f'[id="{fragment}"]').wait_for(state="attached")
    section_text = page.evaluate(
        """id => {
            const heading = document.getElementById(id);
            let text = heading.innerText, node = heading.nextElementSibling;
            while (node && !/^H[1-6]$/.test(node.tagName)) {
                text += node.innerText;
                node = node.nextElementSibling;
            }
            return text;
        }""",
        fragment,
    )
    assert query.lower() in section_text.lower()
    assert watch.problems == []


def test_theme_toggle_works_and_persists_across_pages(visit, build):
    page, watch = visit("")
    assert scheme(page) == "default"
    page.locator("form[data-md-component=palette] label:visible").click()
    wait_for(page, "document.body.dataset.mdColorScheme === 'slate'", "switching to the dark scheme")

    follow_nav_link(page, "decision-guide/")
    assert scheme(page) == "slate"
    page.goto(build.address + NEXT_TOPIC, wait_until="networkidle")
    assert scheme(page) == "slate"
    page.reload(wait_until="networkidle")
    assert scheme(page) == "slate"

    page.locator("form[data-md-component=palette] label:visible").click()
    wait_for(page, "document.body.dataset.mdColorScheme === 'default'", "switching back to the light scheme")
    assert watch.problems == []


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "laptop"])
def test_both_decision_cards_are_in_the_first_screen(visit, viewport):
    page, watch = visit("", viewport=viewport)
    cards = page.locator(".decision-cards > ul > li")
    assert cards.count() == 2
    for card in cards.all():
        box = card.bounding_box()
        assert box is not None and box["y"] + box["height"] <= viewport["height"], (
            f"{card.inner_text().splitlines()[0]!r} ends at {box['y'] + box['height']:.0f} px, "
            f"below the first screen ({viewport['height']} px)"
        )
        assert card.locator("li a").count() == 3, "each of a card's three reasons links its proof"
    guide = page.get_by_role("link", name="Find your project in the decision guide")
    assert guide.is_visible()
    assert watch.problems == []


def test_decision_guide_is_full_width_with_a_badge_per_choice(visit):
    page, watch = visit("decision-guide/", viewport=WIDE)
    assert not page.locator(".md-sidebar--secondary .md-nav__link").first.is_visible()
    table_width = page.locator("article table").first.bounding_box()["width"]
    assert table_width > 0.6 * WIDE["width"], f"the guide's table is {table_width:.0f} px wide"
    badges = page.evaluate(
        """() => [...document.querySelectorAll('article .choice')].map(badge => [
            badge.textContent.trim(),
            getComputedStyle(badge).color,
            getComputedStyle(badge).backgroundColor,
        ])"""
    )
    kinds = {text: (colour, background) for text, colour, background in badges}
    assert set(kinds) == {"FastAPI", "Flask", "Either", "Neither"}
    assert len(set(kinds.values())) == 4, f"two choices share a colour: {kinds}"
    assert len(badges) == page.locator("article tbody tr").count(), "a row without a badge"
    assert watch.problems == []


def test_decision_guide_rows_are_cards_on_a_phone(visit):
    page, watch = visit("decision-guide/", viewport=PHONE)
    rows = page.locator("article tbody tr")
    assert rows.count() >= 10
    displays = {row.evaluate("row => getComputedStyle(row).display") for row in rows.all()}
    assert displays == {"block"}
    labels = page.evaluate(
        "() => [...document.querySelectorAll('article td[data-label]')].map(td => td.dataset.label)"
    )
    assert {"Choose", "Because", "Backed by"} <= set(labels)
    assert phone_problems(page) == []
    assert watch.problems == []


def test_a_server_error_cell_says_so_in_words_and_the_table_file_stays_bare(visit):
    page, watch = visit("type-safety/", viewport=WIDE)
    cells = page.evaluate(
        """() => [...document.querySelectorAll('article td')]
            .filter(td => /^5\\d\\d\\b/.test(td.textContent.trim()))
            .map(td => [td.textContent.trim(), td.classList.contains('server-error')])"""
    )
    assert cells, "expected 5xx cells on the type-safety page"
    assert all(text.endswith("server error") and marked for text, marked in cells), cells
    assert "server error" not in (SNIPPETS / "validation" / "bad_input.md").read_text()
    assert watch.problems == []


def test_a_column_with_one_value_is_said_once_above_its_table(visit):
    page, watch = visit("type-safety/", viewport=WIDE)
    page.evaluate("document.querySelectorAll('article details').forEach(d => d.open = true)")
    table = page.locator("article table", has=page.locator("th", has_text="FastAPI (robust)")).first
    scroll_to(page, table)  # drawn, as a reader sees it: the page defers what is far down
    headers = table.evaluate(
        "table => [...table.querySelectorAll('th')]"
        ".filter(th => th.checkVisibility()).map(th => th.innerText.trim())"
    )
    assert "Request" not in headers and "FastAPI (robust)" in headers
    note = page.locator("p.table-constant", has_text="POST /items").first
    assert note.inner_text().startswith("In every row: Request")
    assert "| `POST /items` |" in (SNIPPETS / "validation" / "bad_input.md").read_text(), "the tests send it"
    assert watch.problems == []


def test_side_by_side_is_offered_only_where_two_columns_of_code_fit(visit):
    page, watch = visit(TOPIC, viewport={"width": 959, "height": 900})
    assert not side_by_side_button(page).is_visible()
    for width in (960, 1024, WIDE["width"]):
        page.set_viewport_size({"width": width, "height": 900})
        assert side_by_side_button(page).is_visible(), f"not offered at {width} px"
    assert side_by_side_problems(page) == []
    assert watch.problems == []


def test_searching_which_to_choose_finds_the_decision_guide_first(visit):
    page, watch = visit("")
    page.locator("input.md-search__input").click()
    page.keyboard.type("which should I choose")
    first = page.locator(".md-search-result__item a:visible").first
    first.wait_for()
    assert urlsplit(first.get_attribute("href")).path.rstrip("/").endswith("decision-guide")
    assert watch.problems == []


# Every deferred code block far down the page, as [lines, held px, drawn px]: its height while the
# browser skips it (three screens below, it is skipped), then once scrolled to and drawn.
DEFERRED_HEIGHTS = """async () => {
    const frames = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    for (const details of document.querySelectorAll('article details')) details.open = true;
    await frames();
    const far = [...document.querySelectorAll('article pre.deferred > code')]
        .filter(code => code.getClientRects().length)  // not the other tab of a pair
        .filter(code => code.getBoundingClientRect().top > 3 * innerHeight)
        .map(code => [code, code.offsetHeight]);
    const heights = [];
    for (const [code, held] of far) {
        code.scrollIntoView();
        await frames();
        heights.push([getComputedStyle(code).getPropertyValue('--lines'), held, code.offsetHeight]);
    }
    return heights;
}"""


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "laptop"])
@pytest.mark.parametrize("path", [TOPIC, "type-safety/", "reference/fastapi/"])
def test_a_code_block_holds_its_place_before_it_is_drawn(visit, viewport, path):
    """A block off the screen is skipped (content-visibility) and holds the height it will have, so the
    page does not jump as the reader scrolls; inside admonitions too, where code is smaller."""
    page, watch = visit(path, viewport=viewport)
    heights = page.evaluate(DEFERRED_HEIGHTS)
    assert len(heights) > 5
    assert [h for h in heights if abs(h[1] - h[2]) > 2] == [], "[lines, held px, drawn px]"
    assert watch.problems == []


def test_the_bundle_leaves_the_classes_the_head_set(visit):
    """overrides/main.html sets Material's end state early; if a release changes it, this fails."""
    page, _ = visit(TOPIC)
    assert sorted(page.evaluate("document.documentElement.className").split()) == ["js", "js-focus-visible"]


# Where the reader sees a deferred section's first code block and first paragraph, once drawn, and
# the page's first h2, which is never deferred: [x, width] each, or null where there is none.
BLOCK_PLACES = """async () => {
    const place = element => {
        if (!element) return null;
        element.scrollIntoView();
        const rect = element.getBoundingClientRect();
        return [Math.round(rect.left), Math.round(rect.width)];
    };
    const places = {
        heading: place(document.querySelector('article.md-content__inner > h2')),
        code: place(document.querySelector('article .deferred-section > .highlight')),
        text: place(document.querySelector('article .deferred-section > p')),
    };
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return places;
}"""


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "laptop"])
def test_a_deferred_section_lays_out_as_the_rest_of_the_page(visit, viewport):
    """docs/stylesheets/rendering.css mirrors Material's rules for the article's own blocks for the
    blocks of a deferred section: text as wide as the headings, and on a phone, code that reaches
    the screen's edges as everywhere else."""
    page, watch = visit("topics/async-databases/", viewport=viewport)
    places = page.evaluate(BLOCK_PLACES)
    assert None not in places.values(), places
    assert places["text"] == places["heading"], places
    assert places["code"] == ([0, PHONE["width"]] if viewport is PHONE else places["heading"]), places
    assert watch.problems == []


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "laptop"])
@pytest.mark.parametrize("path", ["benchmark/", "benchmark-measurements/"])
def test_a_chart_holds_its_place_before_it_arrives(browser, build, path, viewport):
    """The benchmark pages' charts are held back until the page has painted, as they are when the
    network or the machine is slow: nothing on the page may move when they arrive."""
    context = browser.new_context(viewport=viewport)
    try:
        held = []
        context.route("**/*.svg", lambda route: held.append(route))
        context.add_init_script(RECORD_LAYOUT_SHIFTS)
        page = context.new_page()
        page.goto(build.address + path, wait_until="domcontentloaded")
        page.wait_for_function("performance.getEntriesByType('paint').length > 0")
        assert held, "the page asked for no chart before it painted"
        for route in held:
            route.continue_()
        page.wait_for_function("[...document.images].every(image => image.complete)")
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        assert layout_shifts(page, "screen") == []
    finally:
        context.close()
