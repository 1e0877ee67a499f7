// Schedule pages, enhanced: the agenda button changes in place (no reload,
// no jump to the top; without JavaScript the form returns to the same card),
// sessions on now are marked and kept marked as time passes, and "Now"
// jumps to them.
(function () {
  "use strict";
  var status = null;
  function say(text, warn) {
    if (!status) {
      status = document.createElement("p");
      status.className = "toast";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.appendChild(status);
    }
    status.textContent = text;
    status.classList.toggle("toast-warn", !!warn);
    status.hidden = false;
    clearTimeout(say.timer);
    say.timer = setTimeout(function () { status.hidden = true; }, 6000);
  }

  function show(form, inAgenda) {
    var button = form.querySelector("button");
    var title = form.closest(".session-card") ? form.closest(".session-card").querySelector(".session-title a") : null;
    var name = title ? title.textContent.trim() : "this session";
    form.action = form.action.replace(/\/agenda(\/remove)?$/, inAgenda ? "/agenda/remove" : "/agenda");
    button.textContent = inAgenda ? "✓ In my agenda" : "☆ Add to my agenda";
    button.className = "button button-small " + (inAgenda ? "agenda-on" : "button-secondary");
    button.setAttribute("aria-pressed", inAgenda ? "true" : "false");
    button.setAttribute("aria-label", inAgenda ? name + ": in my agenda (press to remove)" : "Add " + name + " to my agenda");
    var card = form.closest(".session-card");
    if (card) card.classList.toggle("is-mine", inAgenda);
  }

  // personal.js sets each button to its visitor's agenda the same way.
  window.tribeAgenda = { show: show };

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-agenda]") || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)), headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (state) { return { ok: response.ok, state: state }; });
      })
      .then(function (answer) {
        button.disabled = false;
        if (answer.ok) show(form, answer.state.in_agenda);
        say(answer.state.message, !answer.ok || answer.state.clashes.length > 0);
        button.focus();
      })
      .catch(function () { button.disabled = false; form.submit(); });
  });

  function markNow() {
    var now = Date.now(), first = null;
    var cards = document.querySelectorAll(".session-card[data-start][data-end]");
    for (var i = 0; i < cards.length; i++) {
      var start = Date.parse(cards[i].getAttribute("data-start")), end = Date.parse(cards[i].getAttribute("data-end"));
      var on = start <= now && now < end;
      cards[i].classList.toggle("is-now", on);
      if (on && !first && cards[i].id) first = cards[i];
    }
    var jump = document.querySelector("[data-jump-now]");
    if (jump) {
      jump.hidden = !first;
      if (first) jump.setAttribute("href", "#" + first.id);
    }
  }
  markNow();
  setInterval(markNow, 60000);
})();
