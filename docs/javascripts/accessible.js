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

// A code annotation's marker is a link that shows its number only through
// CSS, so it has no name for a screen reader (axe's and Lighthouse's
// link-name). Material adds the markers when a block first scrolls into view
// (content.lazy), so they are named as they appear.
(() => {
  const name = (marker) => {
    const number = marker.querySelector("[data-md-annotation-id]")?.dataset.mdAnnotationId;
    const label = number ? `Annotation ${number}` : "Annotation";
    marker.setAttribute("aria-label", label);
    marker.parentElement?.setAttribute("aria-label", label);
  };
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.matches(".md-annotation__index")) name(node);
        node.querySelectorAll(".md-annotation__index").forEach(name);
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
})();
