// Sortable tables of the data-quality report: a button in every column header of a
// <table data-urut> sorts its body by that column (numbers by data-nilai, text in Indonesian
// order); a second click reverses the order. Without JavaScript the tables stay as written.
(function () {
  "use strict";
  function value(row, index, numeric) {
    var cell = row.children[index];
    var raw = cell.getAttribute("data-nilai");
    if (raw === null) { raw = cell.textContent.trim(); }
    return numeric ? Number(raw) : raw;
  }
  function sort(table, header, index) {
    var numeric = header.getAttribute("data-jenis") === "angka";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, index, numeric), y = value(b, index, numeric);
      var order = numeric ? x - y : x.localeCompare(y, "id");
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  function setUp() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-urut]"), function (table) {
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "urut";
        while (header.firstChild) { button.appendChild(header.firstChild); }
        header.appendChild(button);
        button.addEventListener("click", function () { sort(table, header, index); });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());
