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
