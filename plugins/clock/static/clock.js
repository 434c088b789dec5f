// Keeps every [data-clock] element ticking in the site's time zone.
// The server renders the first value; this only advances it, so without
// JavaScript the reader still sees the time of the page load.
(function () {
  "use strict";
  var VI_DAYS = { Mon: "Thứ 2", Tue: "Thứ 3", Wed: "Thứ 4", Thu: "Thứ 5", Fri: "Thứ 6", Sat: "Thứ 7", Sun: "Chủ nhật" };

  function parts(date, zone, locale, options) {
    var out = {};
    new Intl.DateTimeFormat(locale, Object.assign({ timeZone: zone }, options))
      .formatToParts(date)
      .forEach(function (p) { out[p.type] = p.value; });
    return out;
  }

  function format(date, zone, locale, fmt) {
    var t = parts(date, zone, "en-US", {
      weekday: "short", day: "numeric", month: "numeric", year: "numeric",
      hour: "numeric", minute: "2-digit", second: "2-digit", hour12: true
    });
    var clock = t.hour + ":" + t.minute + ":" + t.second + " " + t.dayPeriod.toUpperCase();
    var day;
    if (locale === "vi") {
      day = VI_DAYS[t.weekday] + " Ngày " + t.day + "/" + t.month + "/" + t.year;
    } else {
      var e = parts(date, zone, "en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric" });
      day = e.weekday + ", " + e.day + " " + e.month + " " + e.year;
    }
    if (fmt === "date") { return day; }
    if (fmt === "time") { return clock; }
    return day + ", " + clock;
  }

  function start(el) {
    var serverStart = Number(el.getAttribute("data-epoch"));
    var pageStart = Date.now();
    var zone = el.getAttribute("data-zone");
    var locale = el.getAttribute("data-locale");
    var fmt = el.getAttribute("data-format");
    function tick() {
      var now = new Date(serverStart + (Date.now() - pageStart));
      try {
        el.textContent = format(now, zone, locale, fmt);
        el.setAttribute("datetime", now.toISOString());
      } catch (err) {
        return;  // an old browser without time zone support keeps the server's text
      }
      window.setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
    }
    tick();
  }

  function init() {
    var clocks = document.querySelectorAll("[data-clock]:not([data-clock-started])");
    Array.prototype.forEach.call(clocks, function (el) {
      el.setAttribute("data-clock-started", "");
      start(el);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
