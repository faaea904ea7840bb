// Names and keyboard access that Material's markup leaves out, checked by
// axe-core in tests/test_browser.py. `document$` is Material's stream of
// page loads, so this also runs after every instant navigation.
document$.subscribe(() => {
  // The search overlay is a dialog; a dialog needs a name.
  for (const dialog of document.querySelectorAll(".md-search[role=dialog]")) {
    dialog.setAttribute("aria-label", "Search");
  }
  // A table too wide for the screen scrolls inside its wrapper; a keyboard
  // user can only scroll it if the wrapper can take focus.
  for (const wrapper of document.querySelectorAll(".md-typeset__scrollwrap")) {
    wrapper.tabIndex = 0;
    wrapper.setAttribute("role", "region");
    wrapper.setAttribute("aria-label", "Table, scrolls sideways");
  }
});
