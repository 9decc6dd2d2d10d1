// Staff workspace behaviour, kept out of the HTML for the Content Security Policy.
(function () {
  "use strict";
  // The printable export's "Print" button.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // A submission's answers are folded by intake step. "Open all answers" opens (or folds)
  // every step; without JavaScript the button stays hidden and each step opens by itself.
  document.querySelectorAll("[data-open-all]").forEach(function (button) {
    var steps = document.querySelectorAll(button.getAttribute("data-open-all") + " details");
    var allOpen = function () {
      return Array.prototype.every.call(steps, function (step) { return step.open; });
    };
    var label = function () {
      button.textContent = allOpen() ? "Fold all answers" : "Open all answers";
      button.setAttribute("aria-expanded", allOpen() ? "true" : "false");
    };
    button.hidden = false;
    label();
    button.addEventListener("click", function () {
      var open = !allOpen();
      steps.forEach(function (step) { step.open = open; });
      label();
    });
    steps.forEach(function (step) { step.addEventListener("toggle", label); });
  });
  // A link to an answer (a flag's evidence, "still missing") opens the step that holds it
  // before the browser scrolls there; an address with the answer's #id does the same.
  var reveal = function (id) {
    var target = id && document.getElementById(id);
    var step = target && target.closest("details");
    if (step && !step.open) { step.open = true; }
    return step ? target : null;
  };
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#"]');
    if (link) { reveal(decodeURIComponent(link.getAttribute("href").slice(1))); }
  });
  var revealHash = function () {
    var target = reveal(decodeURIComponent(window.location.hash.slice(1)));
    if (target) { target.scrollIntoView(); }
  };
  window.addEventListener("hashchange", revealHash);
  revealHash();
  // Printing shows every answer: folded steps are opened for the print and folded again after.
  var foldedForPrint = [];
  window.addEventListener("beforeprint", function () {
    foldedForPrint = Array.prototype.slice.call(document.querySelectorAll("details:not([open])"));
    foldedForPrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    foldedForPrint.forEach(function (d) { d.open = false; });
    foldedForPrint = [];
  });
  // Move focus to an error summary or a conflict message so screen readers announce it.
  var first = document.querySelector("[data-focus-on-load]");
  if (first) { first.focus(); }
})();
