// As-you-type search over /api/search. The page works without this file: the form submits
// to /search. Rules: debounce input (~200 ms); never search during an IME composition
// (pinyin input fires input events for every keystroke of a composition) and search once
// when it ends; keep the URL in step with history.replaceState so Back returns to the same
// results; build results with textContent only (KB and query text is never parsed as HTML).
(function () {
  "use strict";
  var DEBOUNCE_MS = 200;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var live = document.getElementById("live");
  if (!form || !input || !live || !window.fetch) return;
  var server = document.getElementById("server-results");
  var d = live.dataset;
  var composing = false;
  var timer = null;
  var seq = 0;
  var controller = null;
  var lastQuery = input.value.trim();

  function hiddenValue(name) {
    var el = form.querySelector("input[type=hidden][name=" + name + "]");
    return el ? el.value : "";
  }

  function pageUrl(q) {
    var params = new URLSearchParams();
    params.set("q", q);
    var cat = hiddenValue("category");
    var lang = hiddenValue("lang");
    if (cat) params.set("category", cat);
    if (lang) params.set("lang", lang);
    return d.search + "?" + params.toString();
  }

  function entryUrl(id, q) {
    var params = new URLSearchParams();
    params.set("q", q);
    var lang = hiddenValue("lang");
    if (lang) params.set("lang", lang);
    return d.entry.replace("ID", encodeURIComponent(id)) + "?" + params.toString();
  }

  // Text with [start, end) spans wrapped in <mark>, as DOM nodes (no HTML parsing).
  function marked(parent, text, spans) {
    var last = 0;
    (spans || []).forEach(function (s) {
      var start = Math.max(s[0], last), end = Math.min(s[1], text.length);
      if (start >= end) return;
      parent.appendChild(document.createTextNode(text.slice(last, start)));
      var m = document.createElement("mark");
      m.textContent = text.slice(start, end);
      parent.appendChild(m);
      last = end;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  var HTML_LANG = { zh: "zh-Hans", ru: "ru", en: "en" };

  function render(data, q) {
    live.textContent = "";
    var h = document.createElement("h2");
    h.className = "results-h";
    h.textContent = d.answersFor.replace("{q}", q);
    live.appendChild(h);
    var p = document.createElement("p");
    p.className = "count";
    p.textContent = data.total ? d.found.replace("{n}", String(data.total)) : d.none;
    live.appendChild(p);
    if (data.hits.length) {
      var ol = document.createElement("ol");
      ol.className = "hits";
      ol.id = "live-hits";
      data.hits.forEach(function (h) {
        var li = document.createElement("li");
        li.className = "hit";
        var a = document.createElement("a");
        a.className = "hit-q";
        a.href = entryUrl(h.id, q);
        a.lang = HTML_LANG[h.lang] || h.lang;
        a.dataset.id = h.id;
        marked(a, h.question, h.question_highlights);
        var sn = document.createElement("p");
        sn.className = "hit-snippet";
        sn.lang = a.lang;
        marked(sn, h.snippet, h.snippet_highlights);
        var meta = document.createElement("p");
        meta.className = "hit-meta";
        var tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = d["cat" + h.category.charAt(0).toUpperCase() + h.category.slice(1)] || h.category;
        meta.appendChild(tag);
        if (h.fallback) {
          var fb = document.createElement("span");
          fb.className = "fallback";
          fb.textContent = d.fallback.replace("{lang}", d["name" + h.lang.charAt(0).toUpperCase() + h.lang.slice(1)] || h.lang);
          meta.appendChild(document.createTextNode(" "));
          meta.appendChild(fb);
        }
        li.appendChild(a);
        li.appendChild(sn);
        li.appendChild(meta);
        ol.appendChild(li);
      });
      live.appendChild(ol);
    }
    live.hidden = false;
    if (server) server.hidden = true;
  }

  function search() {
    timer = null;
    var q = input.value.trim();
    if (q === lastQuery) return;
    lastQuery = q;
    if (controller) controller.abort();
    if (!q) {
      live.hidden = true;
      live.textContent = "";
      if (server) server.hidden = false;
      return;
    }
    var mine = ++seq;
    controller = window.AbortController ? new AbortController() : null;
    var params = new URLSearchParams({ q: q, lang: d.lang, limit: "10" });
    if (d.category) params.set("category", d.category);
    if (d.script) params.set("script", d.script);  // Traditional readers get converted text
    fetch(d.api + "?" + params.toString(), { signal: controller ? controller.signal : undefined,
                                             headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) {
        if (mine !== seq) return;  // a newer query is on its way
        render(data, q);
        history.replaceState(history.state, "", pageUrl(q));
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") return;
        if (mine !== seq) return;
        live.textContent = "";
        var p = document.createElement("p");
        p.className = "count";
        p.textContent = d.error;
        live.appendChild(p);
        live.hidden = false;
      });
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  }

  input.addEventListener("compositionstart", function () {
    composing = true;
    if (timer) { clearTimeout(timer); timer = null; }
  });
  input.addEventListener("compositionend", function () {
    composing = false;
    schedule();
  });
  input.addEventListener("input", function (e) {
    if (composing || e.isComposing) return;
    schedule();
  });
})();
