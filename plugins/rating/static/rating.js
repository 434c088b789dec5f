// Sends the rating form of every [data-rating] block without reloading the page.
// Without JavaScript the same form is an ordinary POST that returns to the article;
// here it is posted with "Accept: application/json" and the answer updates the
// stars, the count and the average at once. The radio group stays a native one:
// Tab reaches it, the arrow keys choose, Space or Enter on the button sends.
(function () {
  "use strict";

  function showTotals(root, data) {
    var summary = root.querySelector("[data-rating-summary]");
    var stars = root.querySelector("[data-rating-stars]");
    if (summary && data.summary) { summary.textContent = data.summary; }
    if (stars && data.stars) {
      if (data.stars_label) { stars.setAttribute("aria-label", data.stars_label); }
      var glyphs = stars.querySelectorAll(".rating__star");
      for (var i = 0; i < glyphs.length && i < data.stars.length; i++) {
        glyphs[i].className = "rating__star rating__star--" + data.stars[i];
      }
    }
  }

  function say(root, text) {
    var status = root.querySelector("[data-rating-status]");
    if (status) { status.textContent = text; }
    return status;
  }

  function setup(root) {
    var form = root.querySelector("[data-rating-form]");
    if (!form || form.hasAttribute("data-rating-ready") || !window.fetch) { return; }
    form.setAttribute("data-rating-ready", "");
    var button = form.querySelector("[type=submit]");

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) { return; }
      button.disabled = true;
      form.setAttribute("aria-busy", "true");
      fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(
          function (data) { return { status: response.status, data: data }; },
          function () { return { status: response.status, data: null }; }
        );
      }).then(function (result) {
        form.removeAttribute("aria-busy");
        var data = result.data || {};
        if (result.status === 200) {
          showTotals(root, data);
          finish(root, form, data.message);
          return;
        }
        var message = (data.error && data.error.message) || root.getAttribute("data-error");
        if (result.status === 409 || result.status === 403 || result.status === 401) {
          finish(root, form, message);  // final: this reader cannot vote here
          return;
        }
        say(root, message);
        button.disabled = false;
      }).catch(function () {
        form.removeAttribute("aria-busy");
        say(root, root.getAttribute("data-error"));
        button.disabled = false;
      });
    });
  }

  // The form goes; the message stays where the focus was, so keyboard users keep their place.
  function finish(root, form, message) {
    var status = say(root, message || "");
    form.parentNode.removeChild(form);
    if (status) {
      status.setAttribute("tabindex", "-1");
      status.focus();
    }
  }

  var blocks = document.querySelectorAll("[data-rating]");
  for (var i = 0; i < blocks.length; i++) { setup(blocks[i]); }
})();
