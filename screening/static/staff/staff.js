// Staff workspace behaviour, kept out of the HTML for the Content Security Policy.
(function () {
  "use strict";
  // The printable export's "Print" button.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // Move focus to an error summary or a conflict message so screen readers announce it.
  var first = document.querySelector("[data-focus-on-load]");
  if (first) { first.focus(); }
})();
