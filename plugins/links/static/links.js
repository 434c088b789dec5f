// The jump menu of the links plugin (WCAG 3.2.2 On Input): choosing an option never
// navigates; the Go button does. Without JavaScript the form itself goes to
// /links/go?id=<id>; with it, the button goes to the option's /links/go/<id> and an
// empty choice gets a message in the page's language instead of a round trip.
(function () {
  "use strict";

  function bind(form) {
    if (form.getAttribute("data-links-bound") === "yes") { return; }  // one script per widget
    form.setAttribute("data-links-bound", "yes");
    var select = form.querySelector("select");
    var status = form.querySelector("[data-links-status]");
    form.addEventListener("submit", function (event) {
      var option = select.options[select.selectedIndex];
      var target = option ? option.getAttribute("data-go") : null;
      event.preventDefault();
      if (!target) {
        status.textContent = form.getAttribute("data-empty");
        select.focus();
        return;
      }
      status.textContent = "";
      if (form.getAttribute("target") === "_blank") {
        window.open(target, "_blank", "noopener,noreferrer");
      } else {
        window.location.assign(target);
      }
    });
    select.addEventListener("change", function () { status.textContent = ""; });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-links-jump]"), bind);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
