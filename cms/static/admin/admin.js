// Back-office behaviour shared by every screen. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  // Ask before destructive actions: a submit button or a form marked data-confirm="message".
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) ||
      (form.getAttribute && form.getAttribute("data-confirm"));
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
