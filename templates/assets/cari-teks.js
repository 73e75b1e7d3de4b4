// Starts the Pagefind full-text search UI on the training section's search page. Paths are
// worked out from the page's own address, so the site works under any sub-path
// (e.g. https://x.github.io/repo/).
window.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("cari");
  var base = new URL(el.dataset.root, window.location.href).pathname;
  var params = new URLSearchParams(window.location.search);
  var ui = new PagefindUI({
    element: "#cari",
    bundlePath: base + "pagefind/",
    baseUrl: base,
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    autofocus: true,
  });
  // Screen readers hear the result count: copy Pagefind's message into a polite live region.
  var status = document.getElementById("cari-status");
  new MutationObserver(function () {
    var message = el.querySelector(".pagefind-ui__message");
    var text = message ? message.textContent.trim() : "";
    if (text && status.textContent !== text) status.textContent = text;
  }).observe(el, { childList: true, subtree: true, characterData: true });
  var q = params.get("q");
  if (q) {
    ui.triggerSearch(q);
  }
});

