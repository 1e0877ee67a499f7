// Times in the one form the server writes them ("Wed 2 Dec, 02:30 your time
// (Berlin) · Tue 20:30 New York"). When the server knew nothing of the
// reader's zone (no profile zone, none chosen) it wrote the event's; this
// rewrites those in the browser's zone, the same way the server would, and
// says so in the page's zone note. Chats use `tribeTime.clock` for messages.
(function () {
  "use strict";
  var root = document.documentElement;
  // Only pages that say which zone they use (a zone note) are rewritten;
  // organizer screens about one place keep the event's clock they state.
  var explicit = root.hasAttribute("data-zone-source");
  var source = root.getAttribute("data-zone-source") || "event";
  var browser = null;
  try { browser = Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { browser = null; }
  var viewer = source === "event" ? browser : root.getAttribute("data-viewer-zone");

  // This browser runs the pages' script (for its session): a logged-in
  // visitor can be given the page kept for every member, with their own
  // state filled in by personal.js.
  if (document.cookie.indexOf("tribe_js=1") < 0) {
    document.cookie = "tribe_js=1; path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var CITY_AREAS = ["Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"];

  // The wall-clock reading of an instant in a zone.
  function reading(date, zone) {
    var out = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(date).forEach(function (p) { out[p.type] = p.value; });
    var y = +out.year, m = +out.month, d = +out.day;
    var hour = out.hour === "24" ? "00" : out.hour;
    var weekday = DAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
    return { date: y * 10000 + m * 100 + d, weekday: weekday, day: weekday + " " + d + " " + MONTHS[m - 1], clock: hour + ":" + out.minute };
  }

  function city(zone) {
    var parts = zone.split("/");
    if (parts.length > 1 && CITY_AREAS.indexOf(parts[0]) >= 0) return parts[parts.length - 1].replace(/_/g, " ");
    return zone;
  }

  function clockRange(start, end) {
    if (!end) return start.clock;
    return start.clock + "–" + (end.date === start.date ? end.clock : end.weekday + " " + end.clock);
  }

  function rewrite(el) {
    var eventZone = el.getAttribute("data-zone");
    var start = new Date(el.getAttribute("datetime"));
    var endIso = el.getAttribute("data-end");
    var end = endIso ? new Date(endIso) : null;
    if (!eventZone || isNaN(start.getTime())) return false;
    var mine = reading(start, viewer), theirs = reading(start, eventZone);
    var wrap = el.parentNode;
    if (!el.hasAttribute("data-written")) {
      var firstLabel = wrap.querySelector(".when-zone");
      el.setAttribute("data-written", el.textContent);
      if (firstLabel) firstLabel.setAttribute("data-written", firstLabel.textContent);
    }
    if (mine.date === theirs.date && mine.clock === theirs.clock) {
      // Back to what the server wrote (a second zone can be the event's).
      el.textContent = el.getAttribute("data-written");
      var written = wrap.querySelector(".when-zone");
      if (written && written.hasAttribute("data-written")) written.textContent = written.getAttribute("data-written");
      var extra = wrap.querySelector(".when-event");
      if (extra && extra.hasAttribute("data-added")) extra.parentNode.removeChild(extra);
      return false;
    }
    var mineEnd = end ? reading(end, viewer) : null, theirsEnd = end ? reading(end, eventZone) : null;
    el.textContent = mine.day + ", " + clockRange(mine, mineEnd);
    var label = wrap.querySelector(".when-zone");
    if (label) label.textContent = "your time (" + city(viewer) + ")";
    var second = wrap.querySelector(".when-event");
    if (!second) {
      second = document.createElement("span");
      second.className = "when-event";
      second.setAttribute("data-added", "");
      wrap.appendChild(second);
    }
    second.textContent = " · " + (theirs.date === mine.date ? "" : theirs.weekday + " ") + clockRange(theirs, theirsEnd) + " " + city(eventZone);
    return true;
  }

  window.tribeTime = {
    zone: viewer,
    // A message's time: the clock, with the day when it is not today.
    clock: function (iso) {
      var at = new Date(iso);
      if (isNaN(at.getTime())) return "";
      var zone = viewer || undefined;
      var when = zone ? reading(at, zone) : null;
      if (!when) return at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      return when.date === reading(new Date(), zone).date ? when.clock : when.day + ", " + when.clock;
    }
  };

  // Every time on the page in `zone`, and the zone note saying so.
  function showIn(zone, note, always) {
    viewer = zone;
    window.tribeTime.zone = zone;
    var changed = false;
    var times = document.querySelectorAll(".when > time[data-zone]");
    for (var i = 0; i < times.length; i++) { if (rewrite(times[i])) changed = true; }
    // Bare clocks (the grid's rows) follow the same zone.
    var clocks = document.querySelectorAll("time[data-clock]");
    for (var j = 0; j < clocks.length; j++) {
      var at = new Date(clocks[j].getAttribute("datetime"));
      if (!isNaN(at.getTime())) clocks[j].textContent = reading(at, zone).clock;
    }
    var text = document.querySelector("[data-zone-note-text]");
    if (text && (changed || always)) text.textContent = note;
  }

  // The zone a logged-in visitor keeps in their profile or chose
  // (personal.js).
  window.tribeTime.useZone = function (zone, source) {
    if (explicit) showIn(zone, "Times are in your time (" + city(zone) + ")" + (source === "profile" ? ", from your profile." : "."), true);
  };

  if (explicit && source === "event" && browser) {
    showIn(browser, "Times are in your time (" + city(browser) + "), the zone this device is set to.");
  }

  var use = document.querySelector("[data-use-browser-zone]");
  var target = document.querySelector("[data-browser-zone-target]");
  if (use && target && browser) {
    use.hidden = false;
    use.textContent = "Use this device's zone (" + city(browser) + ")";
    use.addEventListener("click", function () { target.value = browser; target.form.submit(); });
  }
})();
