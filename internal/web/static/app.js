// Progressive enhancement: every page works without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  // Theme toggle: light/dark over prefers-color-scheme, remembered.
  var saved = null;
  try { saved = localStorage.getItem("theme"); } catch (e) {}
  if (saved) root.setAttribute("data-theme", saved);
  document.addEventListener("DOMContentLoaded", function () {
    var btn = document.getElementById("theme");
    if (btn) {
      var dark = function () {
        var t = root.getAttribute("data-theme");
        return t ? t === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
      };
      var label = function () {
        btn.textContent = dark() ? "Light theme" : "Dark theme";
        btn.setAttribute("aria-pressed", String(dark()));
      };
      btn.hidden = false;
      label();
      btn.addEventListener("click", function () {
        var t = dark() ? "light" : "dark";
        root.setAttribute("data-theme", t);
        try { localStorage.setItem("theme", t); } catch (e) {}
        label();
      });
    }
    // Client-side sorting of tables marked sortable: the header links
    // still work, this only saves the round trip.
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
      var heads = table.tHead ? table.tHead.rows[0].cells : [];
      Array.prototype.forEach.call(heads, function (th, col) {
        var a = th.querySelector("a");
        var target = a || th;
        if (!a) { th.tabIndex = 0; }
        var sort = function (ev) {
          if (ev) ev.preventDefault();
          var asc = th.getAttribute("aria-sort") !== "ascending";
          Array.prototype.forEach.call(heads, function (h) { h.setAttribute("aria-sort", "none"); });
          th.setAttribute("aria-sort", asc ? "ascending" : "descending");
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          var key = function (r) {
            var c = r.cells[col];
            var v = c.getAttribute("data-sort-value");
            if (v === null) v = c.textContent.trim();
            var n = parseFloat(v.replace(/,/g, ""));
            return isNaN(n) || /[a-z]/i.test(v.charAt(0)) ? v.toLowerCase() : n;
          };
          rows.sort(function (x, y) {
            var a1 = key(x), b1 = key(y);
            var c = a1 < b1 ? -1 : a1 > b1 ? 1 : 0;
            return asc ? c : -c;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        };
        target.addEventListener("click", sort);
        if (!a) th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") sort(e); });
      });
    });
    // Client-side filtering as you type.
    Array.prototype.forEach.call(document.querySelectorAll("input[data-filter]"), function (input) {
      var table = document.getElementById(input.getAttribute("data-filter"));
      if (!table) return;
      input.hidden = false;
      input.addEventListener("input", function () {
        var q = input.value.toLowerCase();
        Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
          r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0;
        });
      });
    });
    // The ASN box: straight to /asn/ASxxx.
    var jump = document.querySelector("form[data-asnjump]");
    if (jump) jump.addEventListener("submit", function (e) {
      var v = jump.elements.asn.value.trim().replace(/^as/i, "");
      if (/^[0-9]+$/.test(v)) { e.preventDefault(); location.href = "/asn/AS" + v; }
    });
    // Feedback buttons: POST to the API with the page's CSRF token.
    var csrf = document.body.getAttribute("data-csrf");
    Array.prototype.forEach.call(document.querySelectorAll("form[data-flag]"), function (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var id = form.getAttribute("data-flag");
        var btn = form.querySelector("button");
        btn.disabled = true;
        fetch("/api/v2/incidents/" + encodeURIComponent(id) + "/feedback", {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf || "" },
          body: JSON.stringify({ reason: form.elements.reason.value })
        }).then(function (r) {
          return r.json().then(function (body) {
            var p = document.createElement("p");
            p.setAttribute("role", "status");
            p.className = "fb";
            p.textContent = r.ok ? "pending: " + form.elements.reason.value : "Refused: " + (body.detail || r.status);
            form.parentNode.insertBefore(p, form);
            if (r.ok) form.remove(); else btn.disabled = false;
          });
        }).catch(function () { btn.disabled = false; });
      });
    });
  });
})();
