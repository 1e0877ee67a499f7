// Progressive enhancement: beside each event-zone time the server rendered,
// show the reader's own local time when their zone differs and the server
// did not already (it does for logged-in people with a zone in their profile).
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  var times = document.querySelectorAll("time[datetime][data-zone-label]");
  for (var i = 0; i < times.length; i++) {
    var el = times[i];
    var next = el.nextElementSibling;
    if (next && next.classList.contains("viewer-time")) continue;
    var instant = new Date(el.getAttribute("datetime"));
    if (isNaN(instant.getTime())) continue;
    var fmt = { hour: "2-digit", minute: "2-digit", hour12: false, timeZoneName: "short" };
    var mine = new Intl.DateTimeFormat(undefined, fmt).format(instant);
    var shown = el.textContent.trim();
    // Same clock reading and zone name: nothing to add.
    if (mine.replace(/\s+/g, " ") === shown.replace(/\s+/g, " ")) continue;
    var span = document.createElement("span");
    span.className = "viewer-time";
    span.textContent = " · " + mine + " your time";
    el.parentNode.insertBefore(span, el.nextSibling);
  }
})();
