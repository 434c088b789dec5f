// Drag-and-drop ordering of widgets within a region. The Up/Down buttons do the
// same without a mouse or JavaScript; this only saves a drag in one request.
(function () {
  "use strict";
  var dragged = null;

  function save(list) {
    var ids = Array.prototype.map.call(list.querySelectorAll("li[data-id]"), function (li) {
      return Number(li.getAttribute("data-id"));
    });
    return fetch(list.getAttribute("data-reorder-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": list.getAttribute("data-csrf") },
      body: JSON.stringify({ theme: list.getAttribute("data-theme"), region: list.getAttribute("data-region"), ids: ids })
    }).then(function (response) {
      list.setAttribute("data-saved", response.ok ? "yes" : "no");
      if (!response.ok) { window.location.reload(); }
    });
  }

  document.querySelectorAll(".widget-list").forEach(function (list) {
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("li[data-id]");
      if (dragged) {
        dragged.classList.add("is-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", dragged.getAttribute("data-id"));
      }
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged || dragged.parentNode !== list) { return; }
      event.preventDefault();
      var over = event.target.closest("li[data-id]");
      if (!over || over === dragged) { return; }
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("drop", function (event) {
      if (dragged && dragged.parentNode === list) {
        event.preventDefault();
        save(list);
      }
    });
    list.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("is-dragging"); }
      dragged = null;
    });
  });
})();
