// A live chat room: new messages, topics, edits and hides arrive over
// Server-Sent Events (reconnecting resumes from the last event id, so
// nothing is missed); posting happens without reloading, and a refusal
// keeps the text. Without JavaScript the page's forms do all of this.
(function () {
  "use strict";
  // Times in the reader's zone (their profile's, the one they chose, or this
  // device's), as localtime.js, which the layout loads first, reads them.
  function clock(iso) {
    if (window.tribeTime) return window.tribeTime.clock(iso);
    var at = new Date(iso);
    return isNaN(at.getTime()) ? "" : at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".chat-message time[datetime], time.chat-clock"), function (t) { t.textContent = clock(t.getAttribute("datetime")); });

  var root = document.querySelector("[data-chat]");
  if (!root) return;

  var countdown = root.querySelector("[data-countdown]");
  if (countdown && root.dataset.opens) {
    var opens = new Date(root.dataset.opens);
    var tick = function () {
      var left = Math.round((opens.getTime() - Date.now()) / 60000);
      if (left <= 0) { window.location.reload(); return; }
      var hours = Math.floor(left / 60), minutes = left % 60;
      countdown.textContent = "The room opens in " + (hours ? hours + " h " : "") + minutes + " min (" + clock(root.dataset.opens) + ").";
    };
    tick();
    setInterval(tick, 30000);
  }

  var list = root.querySelector("[data-messages]");
  if (!list || !window.EventSource) return;

  // While the room is open the messages scroll in their own box with the
  // composer under it, so the box can follow new messages without moving
  // the page. Someone reading further up stays where they are; a button
  // says how many came in below.
  var live = root.hasAttribute("data-open");
  var more = root.querySelector("[data-new-messages]");
  var unseen = 0, followNext = false;
  function atBottom() { return list.scrollHeight - list.scrollTop - list.clientHeight < 48; }
  function toBottom() { list.scrollTop = list.scrollHeight; unseen = 0; if (more) more.hidden = true; }
  if (live) {
    root.classList.add("chat-live");
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && list.contains(target)) list.scrollTop = target.offsetTop - list.offsetTop - 8;
    else toBottom();
    list.addEventListener("scroll", function () { if (atBottom()) { unseen = 0; if (more) more.hidden = true; } });
    if (more) more.addEventListener("click", toBottom);
  }
  function arrived(node) {
    var follow = !live || atBottom() || followNext;
    followNext = false;
    list.appendChild(node);
    if (!live) return;
    if (follow) { toBottom(); return; }
    unseen += 1;
    if (more) { more.textContent = unseen === 1 ? "1 new message ↓" : unseen + " new messages ↓"; more.hidden = false; }
  }

  // Text with its links made links, built as DOM nodes (never parsed as HTML).
  function linked(text) {
    var fragment = document.createDocumentFragment();
    var pattern = /https?:\/\/[^\s<>"]+/g, last = 0, match;
    while ((match = pattern.exec(text))) {
      var url = match[0].replace(/[.,;:!?)']+$/, "");
      if (url.length <= 8) continue;
      fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = document.createElement("a");
      a.href = url;
      a.rel = "nofollow noopener ugc";
      a.textContent = url;
      fragment.appendChild(a);
      last = match.index + url.length;
      pattern.lastIndex = last;
    }
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function render(m) {
    var item = element("li", "chat-message chat-" + m.kind);
    item.id = "m" + m.id;
    item.dataset.id = m.id;
    var meta = element("p", "chat-meta");
    if (m.topic) { meta.appendChild(element("span", "chat-topic-tag", m.topic)); meta.appendChild(document.createTextNode(" ")); }
    meta.appendChild(element("strong", "chat-author", m.author));
    if (m.lurking) meta.appendChild(element("span", "muted", " (lurking / joined late)"));
    var time = element("time", "", clock(m.at));
    time.setAttribute("datetime", m.at);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(time);
    if (m.edited) meta.appendChild(element("span", "muted", " (edited)"));
    if (m.reply_to) {
      meta.appendChild(document.createTextNode(" · "));
      var link = element("a", "", "in reply");
      link.href = "#m" + m.reply_to;
      meta.appendChild(link);
    }
    item.appendChild(meta);
    if (m.quote) {
      var quote = element("blockquote", "chat-quote");
      quote.appendChild(element("strong", "", m.quote.author));
      quote.appendChild(document.createTextNode(": " + m.quote.text));
      item.appendChild(quote);
    }
    var body = element("p", "chat-text");
    body.appendChild(linked(m.text));
    item.appendChild(body);
    if (compose) {
      var actions = element("p", "chat-actions");
      [["Reply", "reply_to"], ["Quote", "quote_of"]].forEach(function (pair, i) {
        if (i) actions.appendChild(document.createTextNode(" · "));
        var button = element("button", "link-button", pair[0]);
        button.type = "button";
        button.addEventListener("click", function () { respond(pair[1], m); });
        actions.appendChild(button);
      });
      item.appendChild(actions);
    }
    return item;
  }

  function remove(id) {
    var gone = document.getElementById("m" + id);
    if (gone) gone.remove();
    var actions = list.querySelector('[data-actions-for="' + id + '"]');
    if (actions) actions.remove();
  }

  var source = new EventSource(root.dataset.stream + "?after=" + encodeURIComponent(root.dataset.last || "0"));
  source.addEventListener("message", function (e) {
    var m = JSON.parse(e.data);
    if (document.getElementById("m" + m.id)) return;
    var empty = list.querySelector("[data-empty]");
    if (empty) empty.remove();
    arrived(render(m));
    if (m.kind === "topic") {
      var option = element("option", "", m.text.split(" — ")[0]);
      option.value = String(m.topic_position);
      var select = document.getElementById("topic");
      if (select) { select.insertBefore(option, select.lastElementChild); select.value = option.value; }
    }
  });
  source.addEventListener("edited", function (e) {
    var m = JSON.parse(e.data), old = document.getElementById("m" + m.id);
    if (old) old.replaceWith(render(m));
  });
  source.addEventListener("hidden", function (e) { remove(JSON.parse(e.data).id); });
  source.addEventListener("readers", function (e) {
    var readers = root.querySelector("[data-readers]");
    if (readers) readers.textContent = e.data;
  });

  var compose = root.querySelector("[data-compose]");
  var context = compose && compose.querySelector("[data-context]");
  var responding = null;
  function respond(field, m) {
    responding = { field: field, id: m.id };
    context.hidden = false;
    context.textContent = (field === "reply_to" ? "Replying to " : "Quoting ") + m.author + ": “" + m.text.slice(0, 80) + "” ";
    var cancel = element("button", "link-button", "cancel");
    cancel.type = "button";
    cancel.addEventListener("click", function () { responding = null; context.hidden = true; });
    context.appendChild(cancel);
    compose.querySelector("textarea").focus();
  }
  Array.prototype.forEach.call(list.querySelectorAll("[data-actions-for] a"), function (a) {
    a.addEventListener("click", function (e) {
      var id = a.parentNode.getAttribute("data-actions-for");
      var message = document.getElementById("m" + id);
      if (!message || !compose) return;
      e.preventDefault();
      respond(a.textContent === "Reply" ? "reply_to" : "quote_of", {
        id: Number(id),
        author: message.querySelector(".chat-author").textContent,
        text: message.querySelector(".chat-text").textContent,
      });
    });
  });

  if (compose) {
    compose.addEventListener("submit", function (e) {
      e.preventDefault();
      var error = compose.querySelector("[data-error]");
      var data = new URLSearchParams(new FormData(compose));
      if (responding) data.set(responding.field, responding.id);
      fetch(root.dataset.post, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (answer) {
          if (answer.ok) {
            // Your own message brings you to the newest.
            if (document.getElementById("m" + answer.body.id)) toBottom(); else followNext = true;
            compose.querySelector("textarea").value = "";
            error.hidden = true;
            responding = null;
            if (context) context.hidden = true;
          } else {
            // The text stays where it was.
            var field = answer.body.errors && answer.body.errors[0];
            error.textContent = field ? field.message : (answer.body.detail || answer.body.title || "Not sent.");
            error.hidden = false;
          }
        })
        .catch(function () { error.textContent = "Not sent: the connection failed. Your text is still here."; error.hidden = false; });
    });
  }
})();
