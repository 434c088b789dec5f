// Back office of the links plugin: drag-and-drop ordering of a group's links (saved in
// one request), and the logo picker's preview. The Up/Down buttons do the same ordering
// without a mouse or JavaScript.
(function () {
  "use strict";
  var dragged = null;

  function save(body) {
    var status = body.closest("section").querySelector("[data-links-reorder-status]");
    var ids = Array.prototype.map.call(body.querySelectorAll("tr[data-id]"), function (row) {
      return Number(row.getAttribute("data-id"));
    });
    return fetch(body.getAttribute("data-links-reorder"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": body.getAttribute("data-csrf") },
      body: JSON.stringify({ group: Number(body.getAttribute("data-group")), ids: ids })
    }).then(function (response) {
      body.setAttribute("data-saved", response.ok ? "yes" : "no");
      if (!response.ok) {
        if (status) { status.textContent = body.getAttribute("data-failed"); }
        window.setTimeout(function () { window.location.reload(); }, 1500);
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-links-reorder]"), function (body) {
    body.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("tr[data-id]");
      if (dragged) {
        dragged.classList.add("is-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", dragged.getAttribute("data-id"));
      }
    });
    body.addEventListener("dragover", function (event) {
      if (!dragged || dragged.parentNode !== body) { return; }
      event.preventDefault();
      var over = event.target.closest("tr[data-id]");
      if (!over || over === dragged) { return; }
      var box = over.getBoundingClientRect();
      body.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
    });
    body.addEventListener("drop", function (event) {
      if (dragged && dragged.parentNode === body) {
        event.preventDefault();
        save(body);
      }
    });
    body.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("is-dragging"); }
      dragged = null;
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll(".links-logo-picker"), function (box) {
    var select = box.querySelector("select");
    var preview = box.querySelector("[data-links-logo-preview]");
    if (!select || !preview) { return; }
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var src = option && option.getAttribute("data-thumb");
      if (src) {
        preview.src = src;
        preview.alt = option.textContent;
        preview.hidden = false;
      } else {
        preview.hidden = true;
        preview.removeAttribute("src");
        preview.alt = "";
      }
    });
  });
})();
