// The article screens: the WYSIWYG editor, the featured-image preview and the list's
// bulk actions. No inline scripts (the CSP forbids them). Everything here is an
// enhancement: without JavaScript, or without Quill (scripts/vendor-assets.sh not
// run), the body is a plain HTML textarea and every form still works.
(function () {
  "use strict";

  var TOOLBAR = [
    [{ header: [2, 3, 4, false] }],
    ["bold", "italic", "underline", "strike"],
    ["link", "blockquote"],
    [{ list: "ordered" }, { list: "bullet" }],
    ["clean"]
  ];
  // Only what the server's sanitizer keeps (no h1, no images, no colours).
  var FORMATS = ["header", "bold", "italic", "underline", "strike", "link", "blockquote", "list"];

  function parseLabels(textarea) {
    try {
      return JSON.parse(textarea.getAttribute("data-editor-labels") || "{}");
    } catch (error) {
      return {};
    }
  }

  // Quill 2.0.3 writes every space as &nbsp; (slab/quill#4509): keep one plain
  // space per run so text wraps, and &nbsp; only where spaces repeat.
  function normaliseSpaces(html) {
    return html.replace(/(?:&nbsp;)+/g, function (run) {
      var count = run.length / 6;
      return " " + new Array(count).join("&nbsp;");
    });
  }

  // An empty editor yields "<p></p>": store an empty body instead.
  function editorHtml(quill) {
    if (quill.getLength() <= 1) { return ""; }
    return normaliseSpaces(quill.getSemanticHTML());
  }

  function nameToolbar(toolbar, labels) {
    if (!toolbar) { return; }
    toolbar.setAttribute("role", "toolbar");
    if (labels.toolbar) { toolbar.setAttribute("aria-label", labels.toolbar); }
    toolbar.querySelectorAll("button").forEach(function (button) {
      var format = (button.className.match(/ql-([\w-]+)/) || [])[1];
      var key = button.value ? format + ":" + button.value : format;
      if (labels[key]) {
        button.setAttribute("aria-label", labels[key]);
        button.setAttribute("title", labels[key]);
      }
    });
    toolbar.querySelectorAll(".ql-header .ql-picker-label").forEach(function (label) {
      if (labels.header) { label.setAttribute("aria-label", labels.header); }
    });
  }

  function makeEditor(textarea) {
    if (typeof window.Quill !== "function" || textarea.hasAttribute("data-editor-ready")) {
      return; // no Quill: the plain textarea stays
    }
    var labels = parseLabels(textarea);
    var holder = document.createElement("div");
    holder.className = "rich-editor";
    var surface = document.createElement("div");
    holder.appendChild(surface);
    textarea.parentNode.insertBefore(holder, textarea.nextSibling);

    var quill = new window.Quill(surface, {
      theme: "snow",
      formats: FORMATS,
      modules: {
        toolbar: TOOLBAR,
        // Tab leaves the editor instead of typing a tab: no keyboard trap.
        keyboard: { bindings: { tab: null, indent: null, outdent: null } }
      }
    });
    if (textarea.value.trim()) {
      quill.setContents(quill.clipboard.convert({ html: textarea.value }), "silent");
    }

    // The editing area takes over the textarea's name for assistive technology.
    var root = quill.root;
    var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      if (!label.id) { label.id = textarea.id + "-label"; }
      root.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { quill.focus(); });
    }
    root.setAttribute("role", "textbox");
    root.setAttribute("aria-multiline", "true");
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (textarea.hasAttribute(name)) { root.setAttribute(name, textarea.getAttribute(name)); }
    });
    nameToolbar(holder.querySelector(".ql-toolbar"), labels);

    textarea.classList.add("rich-editor__source");
    textarea.setAttribute("aria-hidden", "true");
    textarea.tabIndex = -1;
    textarea.setAttribute("data-editor-ready", "");

    function sync() { textarea.value = editorHtml(quill); }
    quill.on("text-change", sync);
    if (textarea.form) { textarea.form.addEventListener("submit", sync); }
  }

  function imagePreview(select) {
    var box = select.closest(".image-picker");
    var img = box && box.querySelector("[data-image-preview]");
    if (!img) { return; }
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var src = option && option.getAttribute("data-thumb");
      if (src) {
        img.src = src;
        img.alt = option.textContent;
        img.hidden = false;
      } else {
        img.hidden = true;
        img.removeAttribute("src");
        img.alt = "";
      }
    });
  }

  function bulkForm(form) {
    var all = form.querySelector("[data-select-all]");
    var boxes = form.querySelectorAll('input[name="ids"]');
    if (all && boxes.length) {
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
      });
    }
  }

  document.querySelectorAll("textarea[data-editor]").forEach(makeEditor);
  document.querySelectorAll(".image-picker select").forEach(imagePreview);
  document.querySelectorAll("form[data-bulk]").forEach(bulkForm);
})();
