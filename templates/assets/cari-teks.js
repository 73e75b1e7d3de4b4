// Starts the Pagefind full-text search UI: on the training section's search page (modules only)
// and on the national search page. Paths are worked out from the page's own address, so the
// site works under any sub-path (e.g. https://x.github.io/repo/).
window.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("cari");
  var base = new URL(el.dataset.root, window.location.href).pathname;
  var params = new URLSearchParams(window.location.search);
  var ui = new PagefindUI({
    element: "#cari",
    bundlePath: base + "pagefind/",
    baseUrl: base,
    mergeIndex: el.dataset.shards ? shards(JSON.parse(el.dataset.shards), params.get("wilayah") || "", base) : [],
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

// On the national search page: the search index of the chosen provinsi (or of every provinsi),
// merged with this site's own index (training modules, provinsi pages); says what it loads.
function shards(provinsi, kode, base) {
  var chosen = provinsi.filter(function (p) { return !kode || p.kode === kode; });
  if (!chosen.length) chosen = provinsi;
  document.getElementById("wilayah").value = chosen.length === 1 ? chosen[0].kode : "";
  var kabupaten = chosen.reduce(function (n, p) { return n + p.kabupaten; }, 0);
  var where = chosen.length === 1 ? "Provinsi " + chosen[0].nama : "seluruh Indonesia";
  document.getElementById("cari-cakupan").textContent = "Mencari di " + where + ": " +
    chosen.length + " provinsi, " + kabupaten + " kabupaten/kota." + (chosen.length > 3 ?
    " Memuat indeks setiap provinsi; pencarian pertama lebih lambat. Pilih provinsi agar lebih cepat." : "");
  return chosen.map(function (p) { return { bundlePath: base + p.path + "pagefind/", baseUrl: base }; });
}
