// "Side by side": on wide screens, show both panels of every FastAPI/Flask
// tab pair in two columns instead of one tab at a time.
//
// This script only marks things; docs/stylesheets/side-by-side.css lays them
// out, and only above its breakpoint, so phones always get tabs:
// - each tab set whose labels are exactly FastAPI and Flask gets the class
//   "side-by-side-pair" (any other tab set stays a tab set);
// - pages with a pair get a toggle button at the top of their content;
// - <html> gets "side-by-side" while the view is on and the page has a pair.
// The choice is kept in localStorage with Material's own helpers, under the
// site's scope as Material keeps the chosen tab, and in memory as well, so
// without storage it still lasts the visit (instant navigation keeps this
// script running). tests/test_browser.py checks all of it.
(() => {
  const KEY = "__side_by_side"; // stored as "<site path>.__side_by_side", like "__tabs"
  const PAIR = "FastAPI|Flask"; // the labels of a pair, sorted

  let on = false;
  try {
    on = __md_get(KEY) === true;
  } catch {
    // localStorage is blocked, or holds something unreadable: start with tabs.
  }

  const isPair = (set) =>
    [...set.querySelectorAll(":scope > .tabbed-labels > label")]
      .map((label) => label.textContent.trim())
      .sort()
      .join("|") === PAIR;

  function render() {
    const pairs = document.querySelectorAll(".side-by-side-pair").length > 0;
    document.documentElement.classList.toggle("side-by-side", on && pairs);
    for (const button of document.querySelectorAll(".side-by-side-toggle")) {
      button.setAttribute("aria-pressed", String(on));
    }
  }

  function toggle() {
    on = !on;
    try {
      __md_set(KEY, on); // Material's helper ignores a full or blocked storage
    } catch {
      // No helper (another theme): the choice lasts the visit.
    }
    render();
  }

  function addButton(content) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "side-by-side-toggle";
    button.textContent = "Side by side";
    button.title = "Show the FastAPI and the Flask code of each example next to each other";
    button.addEventListener("click", toggle);
    // After Material's edit button: both float right, and it stays outermost.
    const actions = content.querySelectorAll(":scope > .md-content__button");
    const after = actions[actions.length - 1];
    content.insertBefore(button, after ? after.nextSibling : content.firstChild);
  }

  // document$ is Material's stream of page loads: it emits for the first page
  // and again after each instant navigation has replaced the content.
  document$.subscribe(() => {
    const pairs = [...document.querySelectorAll(".md-content .tabbed-set")].filter(isPair);
    for (const set of pairs) set.classList.add("side-by-side-pair");
    const content = document.querySelector("article.md-content__inner");
    if (pairs.length && content && !content.querySelector(".side-by-side-toggle")) {
      addButton(content);
    }
    render();
  });
})();
