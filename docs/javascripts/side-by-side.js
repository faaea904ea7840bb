// "Side by side": on wide screens, show both panels of every FastAPI/Flask
// tab pair in two columns instead of one tab at a time.
//
// The build (scripts/site_hooks.py) gives each tab set labelled exactly
// FastAPI and Flask the class "side-by-side-pair", and a page with a pair its
// toggle button; docs/stylesheets/side-by-side.css lays them out, and only
// above its breakpoint, so phones always get tabs. This script only makes the
// button work: <html> gets "side-by-side" while the view is on and the page
// has a pair. The choice is kept in localStorage with Material's own helpers,
// under the site's scope as Material keeps the chosen tab, and in memory as
// well, so without storage it still lasts the visit (instant navigation keeps
// this script running). tests/test_browser.py checks all of it.
(() => {
  const KEY = "__side_by_side"; // stored as "<site path>.__side_by_side", like "__tabs"

  let on = false;
  try {
    on = __md_get(KEY) === true;
  } catch {
    // localStorage is blocked, or holds something unreadable: start with tabs.
  }

  function render() {
    const pairs = document.querySelector(".side-by-side-pair") !== null;
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

  // document$ is Material's stream of page loads: it emits for the first page
  // and again after each instant navigation has replaced the content, button
  // and all.
  document$.subscribe(() => {
    for (const button of document.querySelectorAll(".side-by-side-toggle")) {
      button.onclick = toggle;
    }
    render();
  });
})();
