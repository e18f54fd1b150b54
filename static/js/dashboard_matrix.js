// Compliance matrix: expand and collapse organization rows.
// The first click on a row's ▸ lets htmx fetch that organization's rows once (hx-trigger
// "click once") and insert them below it; later clicks only hide or show the rows already
// loaded, so the whole tree is never fetched.
(function () {
  "use strict";

  function below(path) {
    // Every loaded row under `path`: its own rows and, recursively, theirs.
    return document.querySelectorAll('tr[data-parent^="' + path + '"]');
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-toggle-row]");
    if (!button) return;
    var path = button.closest("tr").dataset.path;
    if (!button.dataset.loaded) {
      button.setAttribute("aria-expanded", "true");
      button.textContent = "▾";
      return; // htmx performs the first load
    }
    var expand = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", expand ? "true" : "false");
    button.textContent = expand ? "▾" : "▸";
    below(path).forEach(function (row) {
      if (expand) {
        // Show only the direct rows; deeper ones come back when their own parent is expanded.
        row.hidden = row.dataset.parent !== path;
      } else {
        row.hidden = true;
        var inner = row.querySelector("button[data-toggle-row]");
        if (inner && inner.dataset.loaded) {
          inner.setAttribute("aria-expanded", "false");
          inner.textContent = "▸";
        }
      }
    });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var button = event.detail.elt;
    if (!button.matches || !button.matches("button[data-toggle-row]")) return;
    if (event.detail.successful) {
      button.dataset.loaded = "1";
    } else {
      button.setAttribute("aria-expanded", "false");
      button.textContent = "▸";
      button.title = event.detail.xhr.responseText || "";
    }
  });
})();
