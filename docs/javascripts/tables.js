// Comparison tables a reader can use on a phone, marked when the page renders
// so that the table files under snippets/ (which the tests send) keep bare
// cells. docs/stylesheets/tables.css lays out what this marks:
// - a table of three or more columns gets data-stacked: under 60em
//   each row becomes a card, each cell labelled with its column's header
//   (data-label), so no column is ever off-screen;
// - a column that holds the same text in every row of a table of three or
//   more rows (a Request the whole table sends, say) is shown once above the
//   table instead of in every row; a framework's own column stays, since its
//   value is what the table compares;
// - a cell that is a 5xx status gets the words "server error" beside it, so
//   it stands out in text and not only by colour.
// tests/test_browser.py checks each of these in Chromium.
(() => {
  const FRAMEWORK = /^(FastAPI|Flask|Quart)\b/;
  const SERVER_ERROR = /^5\d\d$/;
  const MIN_ROWS_TO_FOLD = 3;

  const headersOf = (table) => [...table.querySelectorAll(":scope > thead > tr > th")];
  const rowsOf = (table) => [...table.querySelectorAll(":scope > tbody > tr")];

  function foldConstantColumns(table) {
    const headers = headersOf(table);
    const rows = rowsOf(table);
    if (rows.length < MIN_ROWS_TO_FOLD) return;
    const folded = [];
    // From the last column back, so removing one leaves the others' indexes.
    for (let column = headers.length - 1; column > 0; column--) {
      const name = headers[column].textContent.trim();
      if (FRAMEWORK.test(name) || headers.length - folded.length <= 2) continue;
      const cells = rows.map((row) => row.children[column]);
      if (cells.some((cell) => !cell)) continue;
      const texts = new Set(cells.map((cell) => cell.textContent.trim()));
      if (texts.size !== 1 || [...texts][0] === "") continue;
      folded.unshift({ name, html: cells[0].innerHTML });
      headers[column].remove();
      for (const cell of cells) cell.remove();
    }
    if (!folded.length) return;
    const note = document.createElement("p");
    note.className = "table-constant";
    note.innerHTML =
      "In every row: " +
      folded.map(({ name, html }) => `<strong>${name}</strong> ${html}`).join("; ") +
      ".";
    const wrapper = table.closest(".md-typeset__scrollwrap") || table;
    wrapper.before(note);
  }

  function markServerErrors(table) {
    for (const cell of table.querySelectorAll(":scope > tbody > tr > td")) {
      if (!SERVER_ERROR.test(cell.textContent.trim())) continue;
      cell.classList.add("server-error");
      const flag = document.createElement("span");
      flag.className = "server-error-flag";
      flag.textContent = "server error";
      cell.append(" ", flag);
    }
  }

  function stack(table) {
    const headers = headersOf(table);
    if (headers.length < 3) return;
    const names = headers.map((header) => header.textContent.trim());
    for (const row of rowsOf(table)) {
      [...row.children].forEach((cell, column) => {
        if (names[column]) cell.dataset.label = names[column];
        // One box beside the label, however many text runs and tags the cell holds.
        const value = document.createElement("span");
        value.className = "cell-value";
        value.append(...cell.childNodes);
        cell.append(value);
      });
    }
    table.dataset.stacked = "";
  }

  document$.subscribe(() => {
    for (const table of document.querySelectorAll(".md-content .md-typeset table:not([class])")) {
      if (!headersOf(table).length || "marked" in table.dataset) continue;
      table.dataset.marked = "";
      foldConstantColumns(table);
      markServerErrors(table);
      stack(table);
    }
  });
})();
