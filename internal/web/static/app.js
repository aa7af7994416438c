// Progressive enhancement: every page works without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  // Theme toggle: light/dark over prefers-color-scheme, remembered.
  var saved = null;
  try { saved = localStorage.getItem("theme"); } catch (e) {}
  if (saved) root.setAttribute("data-theme", saved);
  root.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    // The navigation collapses behind a Menu button on narrow screens
    // (app.css); without scripts it stays open.
    var menu = document.getElementById("menu"), nav = document.getElementById("nav");
    if (menu && nav) {
      menu.hidden = false;
      menu.addEventListener("click", function () {
        var open = !nav.classList.contains("open");
        nav.classList.toggle("open", open);
        menu.setAttribute("aria-expanded", String(open));
      });
    }
    var btn = document.getElementById("theme");
    if (btn) {
      var dark = function () {
        var t = root.getAttribute("data-theme");
        return t ? t === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
      };
      // The button says what it does, not what is on: no aria-pressed.
      var label = function () {
        btn.textContent = dark() ? "Switch to light theme" : "Switch to dark theme";
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
    exports();
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

  // Exports: CSV of every table, SVG and PNG of every chart, made in the
  // browser from what the page shows (Observatory.tableCSV and friends are
  // what the buttons call, for the browser tests too).
  var O = window.Observatory = {};
  var clean = function (s) { return s.replace(/\s+/g, " ").trim(); };
  // csvField quotes a field (RFC 4180) and defuses a spreadsheet formula
  // (a leading = + - @ that is not a number) with an apostrophe.
  var csvField = function (s) {
    if (/^[=+\-@]/.test(s) && isNaN(Number(s.replace(/[,\s%]/g, "")))) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  // tableCells is a table's text, row by row, header rows first; hidden
  // rows (filtered out) are left out.
  O.tableCells = function (table) {
    var out = [];
    Array.prototype.forEach.call(table.rows, function (r) {
      if (r.hidden) return;
      out.push(Array.prototype.map.call(r.cells, function (c) { return clean(c.innerText); }));
    });
    return out;
  };
  O.tableCSV = function (table) {
    return O.tableCells(table).map(function (r) { return r.map(csvField).join(","); }).join("\r\n") + "\r\n";
  };
  // svgText is a chart as a standalone SVG document: the colours and
  // fonts the page's CSS gives it copied onto each element.
  var props = ["fill", "stroke", "stroke-width", "stroke-dasharray", "opacity", "font-size", "font-family", "font-weight", "text-anchor"];
  O.svgText = function (svg) {
    var copy = svg.cloneNode(true), src = svg.querySelectorAll("*"), dst = copy.querySelectorAll("*");
    var style = function (from, to) {
      var cs = getComputedStyle(from);
      props.forEach(function (p) { var v = cs.getPropertyValue(p); if (v) to.setAttribute(p, v); });
    };
    style(svg, copy);
    for (var i = 0; i < src.length; i++) style(src[i], dst[i]);
    var box = svg.viewBox && svg.viewBox.baseVal;
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    if (box && box.width) { copy.setAttribute("width", box.width); copy.setAttribute("height", box.height); }
    copy.removeAttribute("class");
    return new XMLSerializer().serializeToString(copy);
  };
  // svgPNG renders a chart to a PNG blob at twice its size, on the page's
  // background; it resolves to the blob.
  O.svgPNG = function (svg) {
    return new Promise(function (resolve, reject) {
      var box = svg.viewBox.baseVal, w = box && box.width || svg.clientWidth, h = box && box.height || svg.clientHeight;
      var img = new Image();
      img.onload = function () {
        var c = document.createElement("canvas");
        c.width = 2 * w; c.height = 2 * h;
        var g = c.getContext("2d");
        g.fillStyle = getComputedStyle(document.body).backgroundColor;
        g.fillRect(0, 0, c.width, c.height);
        g.drawImage(img, 0, 0, c.width, c.height);
        c.toBlob(function (b) { if (b) resolve(b); else reject(new Error("no PNG")); }, "image/png");
      };
      img.onerror = function () { reject(new Error("the SVG did not load as an image")); };
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(O.svgText(svg));
    });
  };
  var save = function (blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  };
  var slug = function (s) { return (s || "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60); };
  var button = function (bar, text, label, fn) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.setAttribute("data-export", text.toLowerCase());
    b.addEventListener("click", fn);
    bar.appendChild(b);
  };
  var base = slug(document.body.getAttribute("data-page") || "page");
  function exports() {
    Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table, i) {
      if (table.closest(".noexport")) return;
      var what = table.id || (table.caption && table.caption.textContent) || "table-" + (i + 1);
      var bar = document.createElement("div");
      bar.className = "exports";
      button(bar, "CSV", "Download the table " + what + " as CSV", function () {
        save(new Blob([O.tableCSV(table)], { type: "text/csv;charset=utf-8" }), base + "-" + slug(what) + ".csv");
      });
      table.parentNode.insertBefore(bar, table.nextSibling);
    });
    Array.prototype.forEach.call(document.querySelectorAll("main svg.chart, main svg.worldmap, main svg.timeline"), function (svg, i) {
      var label = svg.getAttribute("aria-label") || (svg.querySelector("title") || {}).textContent || "chart " + (i + 1);
      var name = base + "-" + slug(svg.id || label);
      var bar = document.createElement("div");
      bar.className = "exports";
      button(bar, "SVG", "Download the chart " + label + " as SVG", function () {
        save(new Blob([O.svgText(svg)], { type: "image/svg+xml" }), name + ".svg");
      });
      button(bar, "PNG", "Download the chart " + label + " as PNG", function () {
        O.svgPNG(svg).then(function (b) { save(b, name + ".png"); });
      });
      svg.parentNode.insertBefore(bar, svg.nextSibling);
    });
  }
})();
