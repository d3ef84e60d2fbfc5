// _serve.js: the live preview's side in the browser (procmap serve).
// Reads /_status.json at each new build id from /events: shows or hides
// the error overlay, marks the tab, and swaps in what changed.
(function () {
  "use strict";
  if (window !== window.top) return;   // a diagram inside the page: the page updates it
  var SVG = "http://www.w3.org/2000/svg";
  var isSvg = document.documentElement.namespaceURI === SVG;
  var build = null, busy = false, again = false;
  var title = document.title.replace(/^\u2716 /, "");
  var texts = {};   // object data → the SVG text it shows

  function line(d) {
    var where = d.file ? d.file + ":" + d.line + ":" + d.column + ": " : "";
    var s = where + d.severity + ": " + d.message + " [" + d.rule + "]";
    if (d.source != null) {
      s += "\n  " + d.source + "\n  ";
      for (var i = 1; i < d.column; i++) s += d.source.charAt(i - 1) === "\t" ? "\t" : " ";
      s += "^";
    }
    return s;
  }

  function overlay(st) {
    document.title = (st.ok ? "" : "\u2716 ") + title;
    if (isSvg) return;
    var o = document.getElementById("procmap-serve-overlay");
    if (st.ok) { if (o) o.remove(); return; }
    if (!o) {
      o = document.createElement("div");
      o.id = "procmap-serve-overlay";
      o.setAttribute("role", "alert");
      var s = o.style;
      s.position = "fixed"; s.left = "1em"; s.right = "1em"; s.top = "1em";
      s.maxHeight = "80vh"; s.overflow = "auto"; s.zIndex = "2147483647";
      s.background = "#fff5f5"; s.border = "2px solid #D55E00"; s.padding = "0.5em 1em";
      s.boxShadow = "0 4px 16px rgba(0,0,0,.3)"; s.fontFamily = "monospace";
      document.body.appendChild(o);
    }
    o.textContent = "";
    var h = document.createElement("strong");
    h.textContent = "\u2716 the model has errors; the diagrams are the last good ones";
    o.appendChild(h);
    st.diagnostics.forEach(function (d) {
      var p = document.createElement("pre");
      p.className = "procmap-serve-diag";
      p.textContent = line(d);
      o.appendChild(p);
    });
  }

  function get(url) {
    return fetch(url, { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.text();
    });
  }

  function base(data) { return data.replace(/\?.*$/, ""); }

  // The page's own parts, without the overlay and the scripts.
  function bodyHtml(body) {
    var c = body.cloneNode(true);
    c.querySelectorAll("script, #procmap-serve-overlay, .pz").forEach(function (n) { n.remove(); });
    c.querySelectorAll("object").forEach(function (n) {
      n.setAttribute("data", base(n.getAttribute("data") || ""));
    });
    return c.innerHTML;
  }

  // Reloads the diagrams whose SVG changed, and only those.
  function refreshObjects(id) {
    var objs = Array.prototype.slice.call(document.querySelectorAll("object[data]"));
    return Promise.all(objs.map(function (o) {
      var b = base(o.getAttribute("data"));
      return get(b).then(function (t) {
        if (texts[b] === t) return;
        if (texts[b] !== undefined) o.setAttribute("data", b + "?v=" + id);
        texts[b] = t;
      });
    }));
  }

  function refreshPage(id) {
    if (isSvg) { location.reload(); return Promise.resolve(); }
    return get(location.pathname).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      if (bodyHtml(doc.body) !== bodyHtml(document.body)) {
        var x = window.scrollX, y = window.scrollY, keep = document.getElementById("procmap-serve-overlay");
        doc.body.querySelectorAll("script").forEach(function (n) { n.remove(); });
        document.body.querySelectorAll(":scope > :not(script)").forEach(function (n) {
          if (n !== keep) n.remove();
        });
        var first = document.body.firstChild;
        Array.prototype.slice.call(doc.body.childNodes).forEach(function (n) {
          document.body.insertBefore(document.importNode(n, true), first);
        });
        texts = {};
        document.dispatchEvent(new Event("procmap:page"));   // panzoom.js again
        window.scrollTo(x, y);
        document.querySelectorAll("object").forEach(function (o) {
          o.addEventListener("load", function () { window.scrollTo(x, y); }, { once: true });
        });
        title = doc.title;
      }
      return refreshObjects(id);
    });
  }

  function update(id) {
    if (busy) { again = true; return; }
    busy = true;
    get("/_status.json").then(function (t) {
      var st = JSON.parse(t);
      build = String(st.build);
      overlay(st);
      document.documentElement.setAttribute("data-procmap-build", build);
      if (st.ok) return refreshPage(build);
    }).catch(function () {}).then(function () {
      busy = false;
      if (again) { again = false; update(null); }
    });
  }

  // The first status is read before the page has loaded, so the overlay is
  // there from the start (and in what a headless browser dumps at load).
  function first() {
    var x = new XMLHttpRequest();
    try {
      x.open("GET", "/_status.json", false);
      x.send();
      if (x.status !== 200) return;
      var st = JSON.parse(x.responseText);
      build = String(st.build);
      overlay(st);
      document.documentElement.setAttribute("data-procmap-build", build);
    } catch (e) { /* the server is gone: nothing to show */ }
  }

  first();
  if (!isSvg) refreshObjects(build);
  window.addEventListener("load", function () {
    if (!window.EventSource) return;
    var es = new EventSource("/events");
    es.onmessage = function (e) { if (e.data !== build) update(e.data); };
  });
})();
