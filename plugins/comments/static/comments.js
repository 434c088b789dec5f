/* comments.thread: "New image" fetches a new challenge without leaving the page. Without
   JavaScript the same button sends the form, which comes back with a new image and
   everything typed. */
(function () {
  "use strict";
  function refresh(form, button) {
    var box = form.querySelector("[data-captcha]");
    fetch(form.getAttribute("data-captcha-new"), {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ previous: box.querySelector("[data-captcha-id]").value }),
      credentials: "same-origin"
    }).then(function (answer) {
      if (!answer.ok) { throw new Error("captcha " + answer.status); }
      return answer.json();
    }).then(function (challenge) {
      box.querySelector("[data-captcha-id]").value = challenge.captcha_id;
      box.querySelector("[data-captcha-image]").src = challenge.image_url;
      var question = box.querySelector("[data-captcha-question-text]");
      if (question && challenge.question) { question.textContent = challenge.question; }
      var field = box.querySelector("input[name=captcha_answer]");
      field.value = "";
      field.focus();
    }).catch(function () {
      button.disabled = false;
      form.requestSubmit ? form.requestSubmit(button) : form.submit();
    }).then(function () { button.disabled = false; });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-captcha-refresh]");
    if (!button) { return; }
    var form = button.closest("form");
    if (!form || !window.fetch) { return; }
    event.preventDefault();
    button.disabled = true;
    refresh(form, button);
  });
})();
