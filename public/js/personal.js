// The page kept for every logged-in visitor (the same bytes for all of
// them, served from memory), made this visitor's own: their name in the
// header, their form token in every form, their agenda buttons and their
// zone, from /events/<slug>/me.json. Without script a browser never gets
// this page: the server renders its visitor's own.
(function () {
  "use strict";
  var event = location.pathname.match(/^\/events\/([^\/]+)/);
  if (!event || !window.fetch) return;
  var asked = fetch("/events/" + event[1] + "/me.json", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; });

  function apply(me) {
    if (!me) return;
    // The session ended meanwhile: the server's page for them says so.
    if (!me.signed_in) { location.reload(); return; }
    var account = document.querySelector('.site-links a[href="/account"]');
    if (account) account.textContent = me.name;
    var tokens = document.querySelectorAll('input[name="_csrf"]');
    for (var i = 0; i < tokens.length; i++) tokens[i].value = me.csrf;
    var mine = {};
    for (var j = 0; j < me.agenda.length; j++) mine[me.agenda[j]] = true;
    if (me.offer === "toggle") {
      var forms = document.querySelectorAll("form[data-agenda]");
      for (var k = 0; k < forms.length; k++) {
        if (window.tribeAgenda) window.tribeAgenda.show(forms[k], !!mine[forms[k].getAttribute("data-session")]);
        forms[k].hidden = false;
      }
    } else if (me.offer === "register") {
      var offers = document.querySelectorAll('[data-offer="register"]');
      for (var m = 0; m < offers.length; m++) offers[m].hidden = false;
    }
    if (me.zone && window.tribeTime && window.tribeTime.useZone) window.tribeTime.useZone(me.zone, me.zone_source);
  }

  // After every deferred script (schedule.js's buttons, localtime.js's times).
  function whenReady(run) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
  }
  asked.then(function (me) { whenReady(function () { apply(me); }); }).catch(function () {});
})();
