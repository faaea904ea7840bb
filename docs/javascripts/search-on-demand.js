// Download the search index when a reader turns to search, not on every page.
//
// Material requests search/search_index.json (most of a page's weight on
// this site) as soon as a page loads. This script runs before Material's and
// holds that one request back until the search box takes focus: by a click,
// a tap on the search icon, or a keyboard shortcut, which all focus the box.
// Every other request goes through untouched. tests/test_browser.py checks
// that pages load without the index and that search still works.
(() => {
  let searchWanted;
  const wanted = new Promise((resolve) => {
    searchWanted = resolve;
  });
  document.addEventListener("focusin", (event) => {
    if (event.target.matches("[data-md-component=search-query]")) searchWanted();
  });

  const indexRequests = new WeakSet();
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (new URL(url, location.href).pathname.endsWith("/search/search_index.json")) {
      indexRequests.add(this);
    }
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...body) {
    if (!indexRequests.has(this)) return send.apply(this, body);
    wanted.then(() => send.apply(this, body));
  };
})();
