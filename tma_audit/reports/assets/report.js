(function () {
  "use strict";
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});
  function key(row, col) {
    var cell = row.cells[col];
    return cell ? (cell.getAttribute("data-v") || cell.textContent) : "";
  }
  function dataRows(table) {
    return Array.prototype.filter.call(table.tBodies[0].rows, function (row) {
      return !row.classList.contains("group");
    });
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
        var keyed = dataRows(table).map(function (row, i) {
          return [key(row, col), i, row];
        });
        keyed.sort(function (a, b) {
          var c = collator.compare(a[0], b[0]);
          return (ascending ? c : -c) || a[1] - b[1];
        });
        var fragment = document.createDocumentFragment();
        keyed.forEach(function (k) { fragment.appendChild(k[2]); });
        body.appendChild(fragment);
        table.dispatchEvent(new Event("sorted"));
      });
    });
  });

  // A table's rows filtered by free text (every word) and data-* selects.
  function filterable(tableId, queryId, selects, shownId) {
    var table = document.getElementById(tableId);
    if (!table) { return null; }
    var rows = dataRows(table);
    var texts = new WeakMap();
    rows.forEach(function (row) { texts.set(row, row.textContent.toLowerCase()); });
    var query = document.getElementById(queryId);
    var shown = document.getElementById(shownId);
    var apply = function () {
      var words = query.value.toLowerCase().split(/\s+/).filter(Boolean), count = 0;
      rows.forEach(function (row) {
        var ok = true, t = texts.get(row);
        Object.keys(selects).forEach(function (field) {
          var value = document.getElementById(selects[field]).value;
          ok = ok && (!value || row.dataset[field] === value);
        });
        for (var i = 0; ok && i < words.length; i++) { ok = t.indexOf(words[i]) !== -1; }
        row.hidden = !ok;
        if (ok) { count++; }
      });
      shown.textContent = count + " of " + rows.length + " shown";
      table.dispatchEvent(new Event("filtered"));
    };
    [query].concat(Object.keys(selects).map(function (f) {
      return document.getElementById(selects[f]);
    })).forEach(function (el) {
      el.addEventListener("input", apply);
      el.addEventListener("change", apply);
    });
    apply();
    return table;
  }
  var findings = filterable(
    "findings-table", "filter",
    {outcome: "filter-outcome", priority: "filter-priority", site: "filter-site"}, "shown");
  filterable("plan-table", "plan-filter", {priority: "plan-priority"}, "plan-shown");

  // Group by asset: a heading row per subject, its rows under it (shown ones only).
  var group = document.getElementById("group-asset");
  if (findings && group) {
    var order = dataRows(findings);
    var regroup = function () {
      var body = findings.tBodies[0];
      Array.prototype.slice.call(body.querySelectorAll("tr.group")).forEach(function (row) {
        body.removeChild(row);
      });
      if (!group.checked) { return; }
      var bySubject = new Map();
      dataRows(findings).forEach(function (row) {
        var subject = row.cells[3].textContent;
        if (!bySubject.has(subject)) { bySubject.set(subject, []); }
        bySubject.get(subject).push(row);
      });
      var fragment = document.createDocumentFragment();
      Array.from(bySubject.keys()).sort(collator.compare).forEach(function (subject) {
        var members = bySubject.get(subject);
        var visible = members.filter(function (row) { return !row.hidden; }).length;
        var heading = document.createElement("tr");
        heading.className = "group";
        heading.hidden = visible === 0;
        var cell = document.createElement("th");
        cell.colSpan = findings.tHead.rows[0].cells.length;
        cell.textContent = subject + " (" + visible + ")";
        heading.appendChild(cell);
        fragment.appendChild(heading);
        members.forEach(function (row) { fragment.appendChild(row); });
      });
      body.appendChild(fragment);
    };
    group.addEventListener("change", function () {
      if (!group.checked) {  // back to the report's order
        var fragment = document.createDocumentFragment();
        order.forEach(function (row) { fragment.appendChild(row); });
        findings.tBodies[0].appendChild(fragment);
      }
      regroup();
    });
    findings.addEventListener("filtered", regroup);
    findings.addEventListener("sorted", regroup);
  }

  // CSV of a table's shown rows (RFC 4180; a cell a spreadsheet would run as a formula
  // gets a leading apostrophe, as the CSV report does).
  function cellText(cell) {
    var first = cell.firstChild;
    var own = first && first.nodeType === 3 ? first.textContent : "";
    var notes = Array.prototype.map.call(cell.querySelectorAll("div.small"), function (d) {
      return d.textContent;
    });
    return (own ? [own.trim()] : [cell.textContent.trim()]).concat(own ? notes : [])
      .filter(Boolean).join(" — ");
  }
  function csvCell(value) {
    if (/^[=+\-@\t\r]/.test(value)) { value = "'" + value; }
    return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }
  window.tmaAuditCsv = function (tableId) {
    var table = document.getElementById(tableId);
    var lines = [Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
      return csvCell(th.textContent.trim());
    }).join(",")];
    dataRows(table).forEach(function (row) {
      if (row.hidden) { return; }
      lines.push(Array.prototype.map.call(row.cells, function (cell) {
        return csvCell(cellText(cell));
      }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  };
  Array.prototype.forEach.call(document.querySelectorAll("button[data-export]"), function (b) {
    b.addEventListener("click", function () {
      var id = b.getAttribute("data-export");
      var blob = new Blob(["\ufeff" + window.tmaAuditCsv(id)], {type: "text/csv;charset=utf-8"});
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "tma-audit-" + id.replace("-table", "") + ".csv";
      document.body.appendChild(link);
      link.click();
      document.body.removeChild(link);
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
    });
  });
})();
