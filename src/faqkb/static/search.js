// Search from anywhere: the header box on every page, the live panel, keys and recent
// searches. The site works without this file: the form submits to /search.
//
// The live panel shows the results page's own HTML fragment (GET /search/panel renders
// templates/_results.html, the template /search renders), so both surfaces show the same
// ranking, did-you-mean, topic chip, direct answer and zero-result message. That HTML is
// escaped by the server like every page; it is inserted as a parsed fragment and never run
// (the CSP allows no inline script). Everything this file builds itself (recent searches)
// uses textContent only.
//
// Rules: debounce input (~200 ms); never search during an IME composition (pinyin input
// fires input events for every keystroke of a composition) and search once when it ends;
// keep the URL in step with history.replaceState so Back returns to the same results; `/` and Ctrl-K focus the box; ArrowDown/ArrowUp move through the
// panel's results, Enter opens one, Esc closes the panel and returns to the box.
(function () {
  "use strict";
  var DEBOUNCE_MS = 200;
  var RECENT_KEY = "faqkb.recent";
  var RECENT_MAX = 5;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var live = document.getElementById("live");
  var page = document.getElementById("page");
  var recentBox = document.getElementById("recent");
  if (!form || !input || !live || !window.fetch) return;
  var onResultsPage = !!document.getElementById("server-results");
  var d = live.dataset;
  var composing = false;
  var timer = null;
  var seq = 0;
  var controller = null;
  var lastQuery = typed();
  var pageAddress = location.href;

  // What the panel searches: the box's text without leading spaces and with trailing ones as one.
  // A trailing space ends the last word ("how to " asks `to`, "how to" may go on to "tomorrow"):
  // the server reads it (prefix mode), so it is sent, and it is part of what was last searched.
  function typed() {
    return input.value.replace(/^\s+/, "").replace(/\s+$/, " ");
  }

  function hidden(name) {
    return form.querySelector("input[type=hidden][name=" + name + "]");
  }

  function params(q) {
    var p = new URLSearchParams();
    p.set("q", q);
    ["category", "lang"].forEach(function (n) {
      var el = hidden(n);
      if (el && el.value) p.set(n, el.value);
    });
    return p;
  }

  // -- the panel

  function showPanel(on) {
    live.hidden = !on;
    if (page) page.hidden = on;
  }

  function closePanel() {
    if (controller) controller.abort();
    if (timer) { clearTimeout(timer); timer = null; }
    seq++;
    lastQuery = null;  // typing again reopens the panel, even with the same words
    live.textContent = "";
    delete live.dataset.q;
    showPanel(false);
    if (location.href !== pageAddress) history.replaceState(history.state, "", pageAddress);
  }

  function fill(html) {
    var range = document.createRange();
    range.selectNodeContents(live);
    live.textContent = "";
    live.appendChild(range.createContextualFragment(html));
  }

  function search(force) {
    timer = null;
    var q = typed();
    if (q === lastQuery && !force) return;
    lastQuery = q;
    if (controller) controller.abort();
    if (!q) {
      closePanel();
      showRecent();
      return;
    }
    hideRecent();
    var mine = ++seq;
    controller = window.AbortController ? new AbortController() : null;
    live.setAttribute("aria-busy", "true");
    fetch(d.panel + "?" + params(q).toString(), { signal: controller ? controller.signal : undefined,
                                                   headers: { Accept: "text/html" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      })
      .then(function (html) {
        if (mine !== seq) return;  // a newer query is on its way
        fill(html);
        live.dataset.q = q;  // which query the panel shows (tests wait on it, not on time)
        live.setAttribute("aria-busy", "false");
        showPanel(true);
        // The address is the results page's, so Back from an opened result (or a reload)
        // shows these results; closing the panel puts the page's own address back.
        history.replaceState(history.state, "", d.search + "?" + params(q.trim()).toString());
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") return;
        if (mine !== seq) return;
        live.textContent = "";
        var p = document.createElement("p");
        p.className = "count";
        p.textContent = d.error;
        live.appendChild(p);
        live.setAttribute("aria-busy", "false");
        showPanel(true);
      });
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  }

  input.setAttribute("aria-controls", "live");

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

  // The topic chip's ×: search again without the topic, staying in the panel.
  live.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[data-remove], a[data-suggest]") : null;
    if (!a) return;
    e.preventDefault();
    if (a.dataset.remove) {
      var el = hidden(a.dataset.remove);
      if (el) el.parentNode.removeChild(el);
    } else {
      input.value = a.dataset.suggest;
    }
    input.focus();
    search(true);
  });

  // -- keys

  function panelLinks() {
    return Array.prototype.slice.call(live.querySelectorAll("a.hit-q"));
  }

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  document.addEventListener("keydown", function (e) {
    var k = e.key;
    if ((k === "k" || k === "K") && (e.ctrlKey || e.metaKey) && !e.altKey) {
      e.preventDefault();
      input.focus();
      input.select();
      return;
    }
    if (k === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(document.activeElement)) {
      e.preventDefault();
      input.focus();
      input.select();
      return;
    }
    var inPanel = live.contains(document.activeElement);
    if (live.hidden || (!inPanel && document.activeElement !== input)) return;
    var links = panelLinks();
    var at = links.indexOf(document.activeElement);
    if (k === "ArrowDown" && links.length) {
      e.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (k === "ArrowUp" && (inPanel || at >= 0)) {
      e.preventDefault();
      if (at <= 0) input.focus(); else links[at - 1].focus();
    } else if (k === "Escape") {
      e.preventDefault();
      closePanel();
      input.focus();
    }
  });

  // -- recent searches: in this browser's localStorage only, never sent anywhere

  var storage = (function () {
    try {
      var s = window.localStorage;
      s.setItem(RECENT_KEY + ".probe", "1");
      s.removeItem(RECENT_KEY + ".probe");
      return s;
    } catch (err) {
      return null;  // storage refused (privacy settings): no recent searches at all
    }
  })();

  function recent() {
    if (!storage) return [];
    try {
      var list = JSON.parse(storage.getItem(RECENT_KEY) || "[]");
      return Array.isArray(list) ? list.filter(function (x) { return typeof x === "string"; }).slice(0, RECENT_MAX) : [];
    } catch (err) {
      return [];
    }
  }

  function remember(q) {
    q = (q || "").trim();
    if (!storage || !q) return;
    var list = recent().filter(function (x) { return x !== q; });
    list.unshift(q.slice(0, 200));
    try { storage.setItem(RECENT_KEY, JSON.stringify(list.slice(0, RECENT_MAX))); } catch (err) { /* full */ }
  }

  function hideRecent() {
    if (recentBox) recentBox.hidden = true;
  }

  function showRecent() {
    if (!recentBox || !storage) return;
    var list = recent();
    recentBox.textContent = "";
    if (!list.length || input.value.trim()) { hideRecent(); return; }
    var h = document.createElement("p");
    h.className = "recent-h";
    h.id = "recent-h";
    h.textContent = recentBox.dataset.title;
    var ul = document.createElement("ul");
    ul.setAttribute("aria-labelledby", "recent-h");
    list.forEach(function (q) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = recentBox.dataset.search + "?" + params(q).toString();
      a.textContent = q;
      a.addEventListener("click", function () { remember(q); });
      li.appendChild(a);
      ul.appendChild(li);
    });
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "recent-clear";
    clear.textContent = recentBox.dataset.clear;
    clear.addEventListener("click", function () {
      try { storage.removeItem(RECENT_KEY); } catch (err) { /* ignore */ }
      hideRecent();
      input.focus();
    });
    recentBox.appendChild(h);
    recentBox.appendChild(ul);
    recentBox.appendChild(clear);
    recentBox.hidden = false;
  }

  form.addEventListener("submit", function () { remember(input.value); });
  live.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("a.hit-q")) remember(input.value);
  });
  input.addEventListener("focus", function () { if (!input.value.trim()) showRecent(); });
  document.addEventListener("click", function (e) {
    if (recentBox && !recentBox.hidden && !recentBox.contains(e.target) && e.target !== input) hideRecent();
  });
  if (onResultsPage && input.value.trim()) remember(input.value);
  if (document.activeElement === input && !input.value.trim()) showRecent();
})();
