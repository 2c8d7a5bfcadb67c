/* The evidence table: filters by theme, region and measure kept in the
   address (?theme=belonging), and columns sorted by their header buttons.
   Without this script the whole table shows, in the hub's order. */
(function () {
  "use strict";
  var filters = document.getElementById("evidence-filters");
  var table = document.getElementById("evidence-table");
  var status = document.getElementById("evidence-status");
  var sorted = document.getElementById("evidence-sorted");
  if (!filters || !table || !status) return;
  var FILTERS = ["theme", "region", "measure"];
  function select(name) { return document.getElementById("evidence-" + name); }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  rows.forEach(function (row, index) { row.dataset.order = String(index); });

  function chosen() {
    var values = {};
    FILTERS.forEach(function (name) { values[name] = select(name).value; });
    return values;
  }

  function matches(row, values) {
    return FILTERS.every(function (name) {
      var value = values[name];
      if (!value) return true;
      return (row.dataset[name] || "").split(" ").indexOf(value) >= 0;
    });
  }

  function label(name, value) {
    var choices = select(name);
    for (var i = 0; i < choices.options.length; i++) {
      if (choices.options[i].value === value) return choices.options[i].text.replace(/ \(\d+\)$/, "");
    }
    return value;
  }

  function plural(count, one, many) { return count + " " + (count === 1 ? one : many); }

  function apply(values, announce) {
    var shown = 0;
    var cases = {};
    rows.forEach(function (row) {
      var show = matches(row, values);
      row.hidden = !show;
      if (show) {
        shown++;
        cases[row.querySelector("a").getAttribute("href")] = true;
      }
    });
    var active = FILTERS.filter(function (name) { return values[name]; });
    document.getElementById("evidence-clear").hidden = active.length === 0;
    if (!active.length) {
      status.textContent = announce ? "Showing every outcome: " + plural(rows.length, "outcome", "outcomes") + "." : "";
      return;
    }
    var what = active.map(function (name) { return name + " " + label(name, values[name]); }).join(", ");
    status.textContent = shown
      ? "Showing " + shown + " of " + plural(rows.length, "outcome", "outcomes") + " (" + what + "), from " +
        plural(Object.keys(cases).length, "case study", "case studies") + "."
      : "No outcome matches " + what + ". Choose another filter, or show every outcome.";
  }

  function keep(values) {
    var params = new URLSearchParams(location.search);
    FILTERS.forEach(function (name) {
      if (values[name]) params.set(name, values[name]); else params.delete(name);
    });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  var params = new URLSearchParams(location.search);
  var first = {};
  FILTERS.forEach(function (name) {
    var value = params.get(name) || "";
    var choices = select(name);
    if (value && !Array.prototype.some.call(choices.options, function (option) { return option.value === value; })) {
      var option = document.createElement("option");
      option.value = value;
      option.text = value + " (0)";
      choices.appendChild(option);
    }
    choices.value = value;
    first[name] = value;
  });
  filters.hidden = false;
  apply(first, false);

  filters.addEventListener("change", function () {
    var values = chosen();
    apply(values, true);
    keep(values);
  });
  document.getElementById("evidence-clear").addEventListener("click", function () {
    FILTERS.forEach(function (name) { select(name).value = ""; });
    var values = chosen();
    apply(values, true);
    keep(values);
    select("theme").focus();
  });

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (header, column) {
    var kind = header.getAttribute("data-sort");
    if (!kind) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "evidence-sort";
    button.textContent = header.textContent;
    var arrow = document.createElement("span");
    arrow.className = "evidence-sort__arrow";
    arrow.setAttribute("aria-hidden", "true");
    button.appendChild(arrow);
    header.textContent = "";
    header.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = header.getAttribute("aria-sort") !== "ascending";
      sortBy(column, kind, ascending);
      headers.forEach(function (other) {
        other.removeAttribute("aria-sort");
        var otherArrow = other.querySelector(".evidence-sort__arrow");
        if (otherArrow) otherArrow.textContent = "";
      });
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      arrow.textContent = ascending ? " ▲" : " ▼";
      var name = button.firstChild.textContent;
      var order = kind === "number" ? (ascending ? "lowest first" : "highest first") : (ascending ? "A to Z" : "Z to A");
      if (sorted) sorted.textContent = "Sorted by " + name + ", " + order + ".";
    });
  });

  function key(row, column, kind) {
    var cell = row.cells[column];
    var value = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (kind === "number") return value === "" ? null : parseFloat(value);
    return value === "" ? null : value;
  }

  function sortBy(column, kind, ascending) {
    var sign = ascending ? 1 : -1;
    var ordered = rows.slice().sort(function (a, b) {
      var x = key(a, column, kind);
      var y = key(b, column, kind);
      if (x === null || y === null) {
        if (x !== y) return x === null ? 1 : -1;
      } else {
        var by = kind === "number" ? x - y : x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
        if (by !== 0) return sign * by;
      }
      return Number(a.dataset.order) - Number(b.dataset.order);
    });
    ordered.forEach(function (row) { body.appendChild(row); });
  }
})();
