(function () {
  "use strict";
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});
  function key(row, col) {
    var cell = row.cells[col];
    return cell ? (cell.getAttribute("data-v") || cell.textContent) : "";
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var keyed = Array.prototype.map.call(body.rows, function (row, i) {
          return [key(row, col), i, row];
        });
        keyed.sort(function (a, b) {
          var c = collator.compare(a[0], b[0]);
          return (ascending ? c : -c) || a[1] - b[1];
        });
        var fragment = document.createDocumentFragment();
        keyed.forEach(function (k) { fragment.appendChild(k[2]); });
        body.appendChild(fragment);
      });
    });
  });
  var table = document.getElementById("findings-table");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var texts = new WeakMap();
  rows.forEach(function (row) { texts.set(row, row.textContent.toLowerCase()); });
  var query = document.getElementById("filter");
  var outcome = document.getElementById("filter-outcome");
  var priority = document.getElementById("filter-priority");
  var site = document.getElementById("filter-site");
  var shown = document.getElementById("shown");
  function apply() {
    var words = query.value.toLowerCase().split(/\s+/).filter(Boolean);
    var o = outcome.value, p = priority.value, s = site.value, count = 0;
    rows.forEach(function (row) {
      var d = row.dataset, t = texts.get(row);
      var ok = (!o || d.outcome === o) && (!p || d.priority === p) && (!s || d.site === s);
      for (var i = 0; ok && i < words.length; i++) { ok = t.indexOf(words[i]) !== -1; }
      row.hidden = !ok;
      if (ok) { count++; }
    });
    shown.textContent = count + " of " + rows.length + " shown";
  }
  [query, outcome, priority, site].forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });
  apply();
})();
