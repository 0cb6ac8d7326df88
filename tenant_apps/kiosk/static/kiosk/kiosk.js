// The lobby kiosk: reset to the start when idle or after a confirmation, scan QR codes, print badges.
(function () {
  "use strict";
  var root = document.querySelector(".kiosk");
  var resetForm = document.getElementById("kiosk-reset");

  function reset() {
    if (resetForm) { resetForm.submit(); } else { window.location.replace(window.location.pathname.replace(/\/kiosk\/.*$/, "/kiosk/")); }
  }

  // A page restored from the back/forward cache must not show a previous visitor: fetch it again.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { window.location.reload(); } });

  if (root) {
    var seconds = parseInt(root.getAttribute("data-idle-reset") || "0", 10);
    if (seconds > 0) {
      var timer = null;
      var arm = function () { window.clearTimeout(timer); timer = window.setTimeout(reset, seconds * 1000); };
      ["pointerdown", "keydown", "input"].forEach(function (name) { document.addEventListener(name, arm, true); });
      arm();
    }
    if (root.hasAttribute("data-reset-on-touch")) {
      // Give the visitor a moment to read, then the next touch outside the badge button starts over.
      window.setTimeout(function () {
        document.addEventListener("pointerdown", function (event) {
          if (!event.target.closest("[data-keep]")) { event.preventDefault(); reset(); }
        }, true);
      }, 1500);
    }
  }

  // A walk-in waiting for approval: ask the server every few seconds (same origin, no personal data in the
  // answer) and load the screen again once it changed, which then shows the badge or sends to the desk.
  var poll = document.querySelector("[data-poll]");
  if (poll && window.fetch) {
    var ask = function () {
      fetch(poll.getAttribute("data-poll"), { credentials: "same-origin", cache: "no-store" })
        .then(function (answer) { return answer.ok ? answer.json() : { changed: true }; })
        .then(function (state) {
          if (state.changed) { window.location.replace(poll.getAttribute("data-poll-then")); }
          else { window.setTimeout(ask, 3000); }
        })
        .catch(function () { window.setTimeout(ask, 5000); });
    };
    window.setTimeout(ask, 3000);
  }

  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
    window.addEventListener("afterprint", function () { window.setTimeout(reset, 500); });
  }

  // QR scanning with the camera, where the browser has BarcodeDetector; typing always works. On the first screen
  // (data-scan-auto) the camera starts at once; elsewhere on a tap.
  var scanner = document.querySelector("[data-scanner]");
  // The decoder hook: what a detected code does (filled in and sent, as if typed). Tests call it directly.
  window.checkinKiosk = {
    scanned: function (value) {
      var form = document.querySelector("[data-scan-form]");
      if (!form || !value) { return false; }
      form.querySelector("input[name=code]").value = String(value).trim();
      form.submit();
      return true;
    }
  };
  if (scanner && "BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    var form = scanner.closest("form");
    var input = form.querySelector("input[name=code]");
    var video = scanner.querySelector("[data-scanner-video]");
    var start = scanner.querySelector("[data-scanner-start]");
    var stream = null;
    scanner.hidden = false;
    var stop = function () { if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; } };
    window.addEventListener("pagehide", stop);
    var begin = function () {
      var detector;
      try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { scanner.hidden = true; return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false }).then(function (media) {
        stream = media;
        video.srcObject = media;
        video.setAttribute("data-live", "");
        start.hidden = true;
        return video.play();
      }).then(function () {
        var tick = function () {
          if (!stream) { return; }
          detector.detect(video).then(function (codes) {
            if (codes.length && codes[0].rawValue) {
              stop();
              window.checkinKiosk.scanned(codes[0].rawValue);
            } else { window.setTimeout(tick, 150); }
          }).catch(function () { window.setTimeout(tick, 250); });
        };
        tick();
      }).catch(function () { start.hidden = false; video.removeAttribute("data-live"); });
    };
    start.addEventListener("click", begin);
    if (form.hasAttribute("data-scan-auto")) { begin(); }
  }

  // The host search: results as the visitor types (from the minimum letters on); the form works without it too.
  var search = document.querySelector("[data-host-search]");
  var results = document.querySelector("[data-host-results]");
  if (search && results && window.fetch) {
    var field = search.querySelector("input[name=q]");
    var pending = null;
    var last = field.value;
    var ask = function () {
      if (field.value === last) { return; }
      last = field.value;
      var body = new FormData(search);
      window.fetch(search.action || window.location.href, {
        method: "POST", body: body, credentials: "same-origin", headers: { "X-Kiosk-Search": "1" }
      }).then(function (response) { return response.ok ? response.text() : null; }).then(function (html) {
        if (html !== null && field.value === last) { results.innerHTML = html; }
      }).catch(function () {});
    };
    field.addEventListener("input", function () { window.clearTimeout(pending); pending = window.setTimeout(ask, 200); });
  }
})();
