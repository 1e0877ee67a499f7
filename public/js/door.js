// The door page's camera scanner: reads badge QR codes with the browser's
// BarcodeDetector where it has one, otherwise with the jsQR decoder that the
// build installs from npm, and checks each badge in without reloading the
// page. Without JavaScript the page's form does the same job.
(function () {
  "use strict";
  var root = document.querySelector("[data-door]");
  if (!root || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var video = root.querySelector("[data-camera]");
  var start = root.querySelector("[data-camera-start]");
  var stop = root.querySelector("[data-camera-stop]");
  var note = root.querySelector("[data-camera-note]");
  var result = document.getElementById("scan-result");
  var stream = null, timer = null, decode = null, busy = false;
  var last = { text: "", at: 0 };
  start.hidden = false;
  note.textContent = "Point the camera at a badge's QR code; each badge is checked in once.";

  function show(scan) {
    var tone = scan.outcome === "checked_in" ? "scan-good" : scan.outcome === "already" ? "scan-warn" : "scan-bad";
    var panel = document.createElement("section");
    panel.className = "panel " + tone;
    panel.setAttribute("role", "status");
    var heading = document.createElement("h2");
    heading.textContent = scan.name || "Not checked in";
    panel.appendChild(heading);
    if (scan.ticket) {
      var detail = document.createElement("p");
      detail.textContent = scan.ticket + (scan.role ? " · " + scan.role : "");
      panel.appendChild(detail);
    }
    var message = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = scan.message;
    message.appendChild(strong);
    panel.appendChild(message);
    result.replaceChildren(panel);
    if (navigator.vibrate) navigator.vibrate(scan.outcome === "checked_in" ? 80 : [60, 60, 60]);
  }

  function refreshStats() {
    fetch(root.dataset.statsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (stats) {
        if (!stats) return;
        var line = function (rows) { return rows.map(function (r) { return r.name + " " + r.checked_in + "/" + r.registered; }).join(" · "); };
        document.querySelector("[data-stat=checked_in]").textContent = stats.checked_in;
        document.querySelector("[data-stat=registered]").textContent = stats.registered;
        document.querySelector("[data-stat=by_ticket]").textContent = "By ticket: " + line(stats.by_ticket);
        document.querySelector("[data-stat=by_role]").textContent = "By role: " + line(stats.by_role);
      })
      .catch(function () {});
  }

  function submit(text) {
    var now = Date.now();
    // The same badge held in front of the camera is read many times a second.
    if (busy || (text === last.text && now - last.at < 4000)) return;
    last = { text: text, at: now };
    busy = true;
    var body = new URLSearchParams({ _csrf: root.dataset.csrf, token: text });
    fetch(root.dataset.scanUrl, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (scan) { show(scan); refreshStats(); })
      .catch(function () { show({ outcome: "invalid", message: "The server did not answer; try again, or use the form." }); })
      .then(function () { busy = false; });
  }

  function withDetector() {
    if (!("BarcodeDetector" in window)) return Promise.resolve(null);
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") < 0) return null;
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function () {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      };
    }).catch(function () { return null; });
  }

  function withJsQR() {
    return new Promise(function (resolve) {
      if (window.jsQR) return resolve();
      var script = document.createElement("script");
      script.src = "/vendor/jsqr.js";
      script.onload = function () { resolve(); };
      script.onerror = function () { resolve(); };
      document.head.appendChild(script);
    }).then(function () {
      if (!window.jsQR) return null;
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        if (!video.videoWidth) return Promise.resolve(null);
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(code ? code.data : null);
      };
    });
  }

  function tick() {
    decode().then(function (text) { if (text) submit(text); }).catch(function () {}).then(function () {
      if (stream) timer = setTimeout(tick, 200);
    });
  }

  start.addEventListener("click", function () {
    withDetector()
      .then(function (found) { return found || withJsQR(); })
      .then(function (found) {
        if (!found) {
          note.textContent = "This browser cannot read QR codes here; type the code, or search by name.";
          return;
        }
        decode = found;
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          start.hidden = true;
          stop.hidden = false;
          return video.play().then(tick);
        });
      })
      .catch(function (error) { note.textContent = "The camera could not start (" + error.name + "); type the code, or search by name."; });
  });

  stop.addEventListener("click", function () {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    clearTimeout(timer);
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  });

  setInterval(refreshStats, 15000);
})();
