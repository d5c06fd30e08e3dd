// Shows every <time class="local" datetime="..."> in the reader's own time zone and language.
// The server already wrote the time in the project's zone, so without JavaScript the page still reads.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var lang = document.documentElement.lang || undefined;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var format = new Intl.DateTimeFormat(lang, {
    weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  document.querySelectorAll("time.local[datetime]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (!isNaN(when.getTime())) {
      el.textContent = format.format(when);
      el.setAttribute("data-localized", zone);
    }
  });
  document.querySelectorAll("[data-viewer-zone]").forEach(function (el) {
    el.textContent = zone;
  });
});
