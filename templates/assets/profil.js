// A Posyandu's profile and poster: "Bagikan" (the phone's share sheet, or WhatsApp where there is
// none; nothing happens before the click), the poster's print button, and the profiles' service
// worker, so a visited profile opens again offline and says it shows a saved copy and from when.
(function () {
  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember"];
  var script = document.currentScript;

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function savedNotice() {
    var note = document.querySelector("[data-salinan]");
    var when = note && note.dataset.salinan ? new Date(note.dataset.salinan) : null;
    if (!when || isNaN(when)) return;
    note.textContent = "Anda sedang luring: menampilkan salinan tersimpan dari " + when.getDate() +
      " " + MONTHS[when.getMonth()] + " " + when.getFullYear() + " pukul " + two(when.getHours()) +
      "." + two(when.getMinutes()) + ". Jadwal dan data bisa sudah berubah.";
    note.hidden = false;
  }

  function share(box) {
    var button = box.querySelector("button");
    box.hidden = false;
    button.addEventListener("click", function () {
      var data = { title: box.dataset.title, text: box.dataset.text, url: box.dataset.url };
      if (navigator.share) {
        navigator.share(data).catch(function () {});
        return;
      }
      var link = box.querySelector("a") || document.createElement("a");
      link.href = "https://wa.me/?text=" + encodeURIComponent(data.text + " " + data.url);
      link.textContent = "Bagikan lewat WhatsApp";
      link.className = "button";
      link.rel = "noopener";
      box.appendChild(link);
      link.focus();
    });
  }

  function keepOffline() {
    if (!("serviceWorker" in navigator) || !script || !document.querySelector("[data-salinan]")) return;
    var worker = new URL("../posyandu/sw.js", script.src);
    navigator.serviceWorker.register(worker.href, { scope: new URL("./", worker).pathname });
    navigator.serviceWorker.ready.then(function (registration) {
      var files = [window.location.href.split("#")[0]];
      document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (el) {
        files.push(el.href || el.src);
      });
      registration.active.postMessage({ keep: files });
    });
  }

  window.addEventListener("DOMContentLoaded", function () {
    savedNotice();
    document.querySelectorAll("[data-share]").forEach(share);
    document.querySelectorAll("[data-print]").forEach(function (box) {
      box.hidden = false;
      box.querySelector("button").addEventListener("click", function () { window.print(); });
    });
    keepOffline();
  });
})();
