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
  // Open the action whose form had a problem, and the one named in the address (#action-...).
  var target = document.querySelector(".actions details[data-error]") ||
    (window.location.hash && document.querySelector(".actions " + CSS.escape(window.location.hash)));
  if (target && target.tagName === "DETAILS") { target.open = true; }
})();
