/* Intake staff workspace: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // One click, one action: a second click while the page loads would post the form again.
    if (form.method && form.method.toLowerCase() === "post") {
      window.setTimeout(function () {
        Array.prototype.forEach.call(form.querySelectorAll("button[type=submit], button:not([type])"),
          function (button) { button.disabled = true; });
      }, 0);
    }
  });
  // Coming back to a page (the browser's back button) finds its buttons usable again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("button[disabled]"),
      function (button) { button.disabled = false; });
  });
  // The response form: another blank row of points or remedies (without JavaScript the form has
  // a fixed number of blank rows; the server reads as many as are sent).
  Array.prototype.forEach.call(document.querySelectorAll("button[data-add-row]"), function (button) {
    var kind = button.getAttribute("data-add-row");
    var set = button.closest("fieldset");
    if (!set) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = set.querySelectorAll(".outcome-row");
      var last = rows[rows.length - 1];
      var number = rows.length + 1;
      if (!last || number > 30) { return; }
      var copy = last.cloneNode(true);
      var pattern = new RegExp("^" + kind + "([-_])\\d+([-_])");
      copy.setAttribute("data-row", String(number));
      Array.prototype.forEach.call(copy.querySelectorAll("[id], [name], [for]"), function (el) {
        ["id", "name", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(pattern, kind + "$1" + number + "$2")); }
        });
        if (el.tagName === "INPUT") { el.value = ""; }
        if (el.tagName === "SELECT") { el.selectedIndex = 0; }
      });
      Array.prototype.forEach.call(copy.querySelectorAll("label"), function (label) {
        label.textContent = label.textContent.replace(/\d+$/, String(number));
      });
      last.parentNode.insertBefore(copy, last.nextSibling);
      var first = copy.querySelector("input, select");
      if (first) { first.focus(); }
    });
  });
  // The correction form: choosing a field starts from what the case says now (unless a value
  // was already typed for another field).
  var field = document.getElementById("fc-field");
  var value = document.getElementById("fc-value");
  if (field && value) {
    var shown = value.value;
    field.addEventListener("change", function () {
      var option = field.options[field.selectedIndex];
      if (value.value === shown) {
        value.value = option ? (option.getAttribute("data-current") || "") : "";
        shown = value.value;
      }
    });
  }
  // A form with problems: the error summary at the top takes the focus, so it is read first;
  // its links move to the field (and open the action it is in).
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var to = document.getElementById(link.getAttribute("href").slice(1));
      if (!to) { return; }
      var box = to.closest("details");
      if (box) { box.open = true; }
      if (to.tagName === "DETAILS") { to.open = true; }
      event.preventDefault();
      to.scrollIntoView({block: "center"});
      if (typeof to.focus === "function") { to.focus(); }
    });
  }
  // Open the action whose form had a problem, and the one named in the address (#action-...).
  var named = window.location.hash && document.getElementById(window.location.hash.slice(1));
  var target = document.querySelector(".actions details[data-error]") ||
    (named && named.closest(".actions") ? named : null);
  if (target && target.tagName === "DETAILS") { target.open = true; }
})();
