/* Progressive enhancement for the intake. Without it every question shows and rows are added
   with a server round trip; the server drops answers to questions that do not apply. */
(function () {
  "use strict";

  function answersTo(form, name) {
    var values = [];
    form.querySelectorAll("[name]").forEach(function (input) {
      if (input.name !== name || input.disabled) {
        return;
      }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          values.push(input.value);
        }
      } else if (input.value) {
        values.push(input.value);
      }
    });
    return values;
  }

  // Questions that apply only after a given answer ("details only after yes").
  function updateReveals(form) {
    form.querySelectorAll("[data-reveal-controller]").forEach(function (block) {
      var wanted = block.getAttribute("data-reveal-values").split(" ");
      var insideHidden = block.parentElement.closest("[data-reveal-controller][hidden]");
      var applies = !insideHidden && answersTo(form, block.getAttribute("data-reveal-controller"))
        .some(function (value) { return wanted.indexOf(value) !== -1; });
      block.hidden = !applies;
      // Hidden questions are not sent; what was typed stays in case the answer changes back.
      block.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !applies;
      });
    });
  }

  document.querySelectorAll("form.intake-form").forEach(function (form) {
    updateReveals(form);
    form.addEventListener("change", function () { updateReveals(form); });
  });

  // Repeatable rows: add one in the page instead of a round trip.
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var prefix = button.getAttribute("data-add-row");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById(prefix + "-template");
    var list = document.getElementById(prefix + "-list");
    var status = document.querySelector('[data-rows-status="' + prefix + '"]');
    if (!total || !template || !list) {
      return;
    }
    button.type = "button";
    button.addEventListener("click", function () {
      var count = parseInt(total.value, 10) || 0;
      if (max && count >= parseInt(max.value, 10)) {
        // The page's own words, in its language (templates/intake/_rows.html).
        status.textContent = status.getAttribute("data-rows-full");
        return;
      }
      list.insertAdjacentHTML(
        "beforeend",
        template.innerHTML.replace(/__prefix__/g, count).replace(/__number__/g, count + 1)
      );
      total.value = count + 1;
      var row = list.lastElementChild;
      var legend = row.querySelector("legend");
      if (status && legend) {
        status.textContent = status.getAttribute("data-row-added").replace("__row__", legend.textContent.trim());
      }
      var first = row.querySelector("input, select, textarea");
      if (first) {
        first.focus();
      }
    });
  });

  // Copy the private link.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.closest(".card-body").querySelector("[data-copy-status]");
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        status.textContent = button.getAttribute("data-copied");
      }, function () {
        field.select();
        status.textContent = button.getAttribute("data-copy-failed");
      });
    });
  });

  // Bring the error summary to the keyboard and screen reader first.
  var summary = document.getElementById("error-summary");
  var heading = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  } else if (heading) {
    // Pages that open by themselves (support, notices): the reader starts at the heading.
    heading.focus();
  }

  // One click sends once (the server is idempotent anyway).
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  });
}());
