/* The reception desk: a board that refreshes itself, print buttons, and the evacuation roll call. */
(function () {
  "use strict";

  var REFRESH_MS = 5000;

  var SEARCH_KEY = "desk-board-search";

  // Company and state go in the address (bookmarkable); the search text, a visitor's name,
  // never does: it is POSTed, and kept in this tab's sessionStorage across the desk's actions.
  function boardQuery(form) {
    var params = new URLSearchParams();
    ["company", "state"].forEach(function (name) {
      var value = form.elements[name] && form.elements[name].value;
      if (value) { params.set(name, value); }
    });
    return params.toString();
  }

  function rememberSearch(value) {
    try { sessionStorage.setItem(SEARCH_KEY, value); } catch (e) { /* private mode: the search lasts this page */ }
  }

  function setupBoard() {
    var live = document.getElementById("board-live");
    var form = document.querySelector("[data-board-filters]");
    if (!live || !form) { return; }
    var url = live.getAttribute("data-board-url");
    var inFlight = false;
    var lastHtml = null;
    var typingTimer = null;

    function refresh() {
      if (inFlight) { return; }
      inFlight = true;
      fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (response.redirected || !response.ok) { throw new Error("board " + response.status); }
          return response.text();
        })
        .then(function (html) {
          // Compare without the "updated at" stamp so an unchanged board keeps its DOM and focus.
          var stable = html.replace(/<time[^>]*>[^<]*<\/time>/, "").replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, "");
          var focused = document.activeElement && document.activeElement.getAttribute("data-focus-key");
          var scrollers = Array.prototype.map.call(live.querySelectorAll(".desk-table-wrap"), function (el) { return el.scrollLeft; });
          if (stable !== lastHtml) {
            var openLeft = live.querySelector("details[data-section=left]");
            var wasOpen = openLeft && openLeft.open;
            live.innerHTML = html;
            var left = live.querySelector("details[data-section=left]");
            if (left && wasOpen) { left.open = true; }
            lastHtml = stable;
            live.querySelectorAll(".desk-table-wrap").forEach(function (el, i) { el.scrollLeft = scrollers[i] || 0; });
            if (focused) {
              var again = live.querySelector('[data-focus-key="' + focused + '"]');
              if (again) { again.focus({ preventScroll: true }); }
            }
          } else {
            var stamp = live.querySelector("time");
            var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("time");
            if (stamp && fresh) { stamp.replaceWith(fresh); }
          }
          live.removeAttribute("data-stale");
        })
        .catch(function () { live.setAttribute("data-stale", "true"); })
        .then(function () { inFlight = false; });
    }

    function applyFilters() {
      var query = boardQuery(form);
      rememberSearch(form.elements.q.value);
      history.replaceState(null, "", form.getAttribute("action") + (query ? "?" + query : ""));
      lastHtml = null;
      refresh();
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); applyFilters(); });
    form.addEventListener("change", applyFilters);
    form.addEventListener("input", function (event) {
      if (event.target.name !== "q") { return; }
      clearTimeout(typingTimer);
      typingTimer = setTimeout(applyFilters, 300);
    });
    var remembered = "";
    try { remembered = sessionStorage.getItem(SEARCH_KEY) || ""; } catch (e) { remembered = ""; }
    if (remembered && !form.elements.q.value) {
      form.elements.q.value = remembered;
      lastHtml = null;
      refresh();
    }
    setInterval(function () { if (!document.hidden) { refresh(); } }, REFRESH_MS);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
  }

  function setupPrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function setupRollCall() {
    var boxes = document.querySelectorAll("[data-rollcall]");
    var status = document.querySelector("[data-rollcall-status]");
    if (!boxes.length || !status) { return; }
    var storageKey = "desk-rollcall";
    var safe = {};
    try { safe = JSON.parse(sessionStorage.getItem(storageKey) || "{}"); } catch (e) { safe = {}; }

    function update() {
      var count = 0;
      boxes.forEach(function (box) {
        box.closest("tr").classList.toggle("is-safe", box.checked);
        if (box.checked) { count += 1; }
      });
      status.textContent = status.getAttribute("data-template")
        .replace("%(safe)s", String(count)).replace("%(total)s", String(boxes.length));
    }

    boxes.forEach(function (box) {
      box.checked = Boolean(safe[box.getAttribute("data-rollcall")]);
      box.addEventListener("change", function () {
        safe[box.getAttribute("data-rollcall")] = box.checked;
        try { sessionStorage.setItem(storageKey, JSON.stringify(safe)); } catch (e) { /* private mode: ticks stay on the page */ }
        update();
      });
    });
    update();
  }

  // The walk-in form's host list offers only the chosen company's hosts (values are "<company>:<host id>");
  // without this script the server still refuses a host of another company.
  function setupWalkInHosts() {
    var company = document.querySelector("select[name=company]");
    var host = document.querySelector("select[name=host]");
    if (!company || !host || !document.querySelector("form [name=notice_accepted]")) { return; }
    function update() {
      var prefix = company.value + ":";
      host.querySelectorAll("option").forEach(function (option) {
        var fits = !option.value || (company.value && option.value.indexOf(prefix) === 0);
        option.hidden = !fits;
        option.disabled = !fits;
      });
      host.querySelectorAll("optgroup").forEach(function (group) {
        var shown = Array.prototype.some.call(group.querySelectorAll("option"), function (o) { return !o.hidden; });
        group.hidden = !shown;
        group.disabled = !shown;
      });
      if (host.selectedOptions.length && host.selectedOptions[0].disabled) { host.value = ""; }
    }
    company.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupWalkInHosts();
    setupBoard();
    setupPrint();
    setupRollCall();
  });
}());
