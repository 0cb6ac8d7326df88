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

  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
    window.addEventListener("afterprint", function () { window.setTimeout(reset, 500); });
  }

  // QR scanning with the camera, where the browser has BarcodeDetector; typing always works.
  var scanner = document.querySelector("[data-scanner]");
  if (scanner && "BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    var form = scanner.closest("form");
    var input = form.querySelector("input[name=code]");
    var video = scanner.querySelector("[data-scanner-video]");
    var start = scanner.querySelector("[data-scanner-start]");
    var stream = null;
    scanner.hidden = false;
    var stop = function () { if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; } };
    window.addEventListener("pagehide", stop);
    start.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
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
              input.value = codes[0].rawValue;
              stop();
              form.submit();
            } else { window.requestAnimationFrame(tick); }
          }).catch(function () { window.requestAnimationFrame(tick); });
        };
        tick();
      }).catch(function () { scanner.hidden = true; input.focus(); });
    });
  }
})();
