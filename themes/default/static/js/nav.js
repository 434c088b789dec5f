/* The phone menu button: folds the main menu behind a button on narrow screens.
   Without this script the button stays hidden and the whole menu shows. */
(function () {
  "use strict";
  var nav = document.querySelector("[data-nav]");
  var button = nav && nav.querySelector("[data-nav-toggle]");
  if (!button) {
    return;
  }
  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-open", open);
  }
  button.hidden = false;
  nav.classList.add("has-toggle");
  setOpen(false);
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();
