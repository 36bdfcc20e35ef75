// Share / copy-link on entry pages (no external script): the system share sheet where the
// browser has one (Web Share API: phones), else the page's address to the clipboard. Without
// JavaScript the button stays hidden and the plain "Link to this answer" link remains.
(function () {
  "use strict";
  function setUp() {
    var btn = document.querySelector(".share-btn");
    if (!btn) return;
    var status = btn.parentNode.querySelector(".share-status");
    var canShare = typeof navigator.share === "function";
    var canCopy = !!(navigator.clipboard && navigator.clipboard.writeText);
    if (!canShare && !canCopy) return;
    btn.textContent = canShare ? btn.dataset.share : btn.dataset.copy;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var url = btn.dataset.url;
      if (canShare) {
        navigator.share({title: btn.dataset.title, url: url}).catch(function () {});
        return;
      }
      navigator.clipboard.writeText(url).then(function () {
        if (status) status.textContent = btn.dataset.copied;
      }, function () {
        if (status) status.textContent = "";
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
