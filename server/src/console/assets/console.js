// The console's one script, an enhancement only: every page works without it.
// A form with data-confirm asks before it is sent (a payment, a return, a deactivation).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// A filter select with data-autosubmit sends its form when changed.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
    el.form.submit();
  }
});
// A button with data-print prints the page (the print stylesheet lays it out on A4).
document.addEventListener("click", function (event) {
  var el = event.target;
  if (el && el.hasAttribute && el.hasAttribute("data-print")) {
    window.print();
  }
});
// A block pasted into a cell of a grid (rows by line, columns by tab, as spreadsheets copy
// them) fills the cells from that one rightwards and downwards.
document.addEventListener("paste", function (event) {
  var el = event.target;
  if (!el || !el.hasAttribute || !el.hasAttribute("data-grid-row")) return;
  var text = (event.clipboardData || window.clipboardData).getData("text");
  if (!text || (text.indexOf("\t") < 0 && text.indexOf("\n") < 0)) return;
  event.preventDefault();
  var row = Number(el.getAttribute("data-grid-row"));
  var col = Number(el.getAttribute("data-grid-col"));
  text.replace(/\r/g, "").replace(/\n$/, "").split("\n").forEach(function (line, i) {
    line.split("\t").forEach(function (value, j) {
      var cell = document.querySelector('input[data-grid-row="' + (row + i) + '"][data-grid-col="' + (col + j) + '"]');
      if (cell) cell.value = value.trim();
    });
  });
});
