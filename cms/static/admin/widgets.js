// Drag-and-drop ordering of widgets within a region. The Up/Down buttons do the
// same without a mouse or JavaScript; this only saves a drag in one request,
// tells screen readers where the widget went (the #widgets-status live region)
// and offers a link to a public page where the region shows.
(function () {
  "use strict";
  var dragged = null;
  var status = document.getElementById("widgets-status");
  var preview = document.getElementById("widgets-preview");

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function announce(text) {
    if (!status) { return; }
    // Emptied first so that the same sentence twice is read twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function refreshButtons(list) {
    var items = list.querySelectorAll("li[data-id]");
    Array.prototype.forEach.call(items, function (li, index) {
      var up = li.querySelector('button[value="up"]');
      var down = li.querySelector('button[value="down"]');
      if (up) { up.disabled = index === 0; }
      if (down) { down.disabled = index === items.length - 1; }
    });
  }

  function save(list, moved) {
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
      if (!response.ok) {
        announce(list.getAttribute("data-failed"));
        window.location.reload();
        return null;
      }
      return response.json();
    }).then(function (body) {
      if (!body || !moved) { return; }
      refreshButtons(list);
      announce(fill(list.getAttribute("data-moved"), {
        name: moved.getAttribute("data-name"),
        position: String(ids.indexOf(Number(moved.getAttribute("data-id"))) + 1),
        count: String(ids.length),
        region: list.getAttribute("data-region-title")
      }));
      if (preview && body.preview_url) {
        preview.querySelector("a").setAttribute("href", body.preview_url);
        preview.hidden = false;
      }
    });
  }

  document.querySelectorAll(".widget-list").forEach(function (list) {
    // Up/Down: move in place and save like a drag, keeping the keyboard focus.
    list.addEventListener("click", function (event) {
      var button = event.target.closest('button[name="direction"]');
      if (!button || button.disabled || !window.fetch) { return; }
      event.preventDefault();
      var item = button.closest("li[data-id]");
      var up = button.value === "up";
      var sibling = up ? item.previousElementSibling : item.nextElementSibling;
      if (!sibling) { return; }
      list.insertBefore(item, up ? sibling : sibling.nextSibling);
      refreshButtons(list);
      var focus = button.disabled ? item.querySelector('button[value="' + (up ? "down" : "up") + '"]') : button;
      if (focus && !focus.disabled) { focus.focus(); }
      save(list, item);
    });
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
        save(list, dragged);
      }
    });
    list.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("is-dragging"); }
      dragged = null;
    });
  });
})();
