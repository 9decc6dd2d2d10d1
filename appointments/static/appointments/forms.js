// Move focus to a form's error summary so screen readers announce it and keyboard users start
// from the list of problems (role="alert" announces it too; focus also scrolls it into view).
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
