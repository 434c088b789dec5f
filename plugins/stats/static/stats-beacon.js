// The stats beacon: one GET of /stats/hit per page, for sites behind an outside cache.
// Loaded with `defer` from the plugin's static files (no inline script: CSP holds).
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-hit");
  if (!url || !window.fetch) {
    return;
  }
  window.fetch(url, { method: "GET", credentials: "same-origin", cache: "no-store", keepalive: true })
    .catch(function () { /* statistics never disturb the reader */ });
})();
