// The badge: shrink whatever still overflows its line or the label (a wider printer font), never split a word.
(function () {
  "use strict";
  function overflows(element, label) {
    return element.scrollWidth > element.clientWidth + 1 || label.scrollHeight > label.clientHeight + 1 ||
      element.closest(".badge-text").scrollHeight > element.closest(".badge-text").clientHeight + 1;
  }
  function fit() {
    document.querySelectorAll("[data-badge-label]").forEach(function (label) {
      label.querySelectorAll("[data-fit]").forEach(function (element) {
        var size = parseFloat(window.getComputedStyle(element).fontSize);
        var guard = 40;
        while (overflows(element, label) && size > 8 && guard-- > 0) {
          size -= 0.5;
          element.style.fontSize = size + "px";
        }
      });
      label.setAttribute("data-fitted", "");
    });
  }
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(fit); } else { window.addEventListener("load", fit); }
  window.addEventListener("beforeprint", fit);
})();
