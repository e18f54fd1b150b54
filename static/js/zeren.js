// Behaviour every page shares, kept out of the markup so that a strict
// Content-Security-Policy (no inline script or event handlers) can be applied.
//  - The 菜单 button opens and closes the main navigation on narrow screens (< 900 px).
//  - Every list table in the page content gets a data-label on each cell, copied from its
//    column header, so that the stylesheet can show it as a labelled card on a phone.
//  - Changing the interface language submits its form at once.
//  - data-confirm="问题" on a form (or a submit button) asks before submitting; data-print prints the page.
(function () {
  "use strict";

  var NARROW = window.matchMedia("(max-width: 900px)");

  function setMenu(button, open) {
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    if (!nav) return;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("open", open);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-menu-toggle]");
    if (button) {
      setMenu(button, button.getAttribute("aria-expanded") !== "true");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var button = document.querySelector('[data-menu-toggle][aria-expanded="true"]');
    if (!button) return;
    setMenu(button, false);
    button.focus();
  });

  // Back on a wide screen the navigation is always shown; forget the phone's open state.
  NARROW.addEventListener("change", function (event) {
    if (event.matches) return;
    document.querySelectorAll("[data-menu-toggle]").forEach(function (button) {
      setMenu(button, false);
    });
  });

  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit();
  });

  // A confirmation before a step that cannot be taken back: on the button pressed, or on its form.
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  // Column labels for the card layout. A header cell spanning several columns labels each of
  // them; a body cell spanning several columns (an empty-state row) gets no label.
  function headerLabels(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    var labels = [];
    if (!row) return labels;
    Array.prototype.forEach.call(row.cells, function (cell) {
      var text = cell.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (cell.colSpan || 1); i++) labels.push(text);
    });
    return labels;
  }

  function labelTable(table) {
    var labels = headerLabels(table);
    if (!labels.length) return;
    table.classList.add("stack");
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var span = cell.colSpan || 1;
          if (span === 1 && labels[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", labels[column]);
          }
          column += span;
        });
      });
    });
  }

  function labelTables(root) {
    // The compliance matrix and the reporting board stay tables (scrolled sideways on a phone).
    root.querySelectorAll(".content table").forEach(function (table) {
      if (table.classList.contains("matrix") || table.closest(".matrix-wrap")) return;
      labelTable(table);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelTables(document);
  });
  // Rows that htmx inserts later get their labels too.
  document.addEventListener("htmx:afterSettle", function () {
    labelTables(document);
  });
})();
