// Training section: registers the service worker (modules stay readable offline), scores the
// self-tests, and keeps "modules done" and scores in this browser's localStorage only.
(function () {
  var script = document.currentScript;
  if ("serviceWorker" in navigator && script) {
    var worker = new URL("../pelatihan/sw.js", script.src);
    navigator.serviceWorker.register(worker.href, { scope: new URL("./", worker).pathname });
  }
  var KEY = "pelatihan-hasil-v1";

  function load() {
    try {
      var data = JSON.parse(localStorage.getItem(KEY) || "{}");
      return { selesai: data.selesai || {}, skor: data.skor || {} };
    } catch (e) {
      return { selesai: {}, skor: {} };
    }
  }
  function save(data) {
    try { localStorage.setItem(KEY, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }
  function today() {
    return new Date().toLocaleDateString("id-ID", { day: "numeric", month: "long", year: "numeric" });
  }
  function show(el) { if (el) el.hidden = false; }

  function scoreForm(form) {
    var right = 0, total = 0;
    form.querySelectorAll("fieldset.soal").forEach(function (set) {
      total += 1;
      var chosen = set.querySelector("input:checked");
      var ok = chosen && chosen.value === set.getAttribute("data-benar");
      if (ok) right += 1;
      set.classList.toggle("benar", !!ok);
      set.classList.toggle("salah", !ok);
      var out = set.querySelector(".hasil");
      out.textContent = ok ? "Benar." : (chosen ? "Belum tepat." : "Belum dijawab.") +
        " Lihat kunci jawaban di bawah.";
      out.hidden = false;
      if (!ok) set.querySelector("details.kunci").open = true;
    });
    return { benar: right, jumlah: total, tanggal: today() };
  }

  document.querySelectorAll("form.kuis").forEach(function (form) {
    show(form.querySelector(".kuis-aksi"));
    var key = form.getAttribute("data-kuis");
    var status = form.querySelector(".skor");
    var stored = load().skor[key];
    if (stored) status.textContent = "Skor terakhir: " + stored.benar + " dari " + stored.jumlah + " (" + stored.tanggal + ").";
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var result = scoreForm(form);
      var data = load();
      data.skor[key] = result;
      save(data);
      status.textContent = "Skor: " + result.benar + " dari " + result.jumlah + ". Tersimpan di perangkat ini.";
    });
  });

  document.querySelectorAll("button[data-selesai]").forEach(function (button) {
    var slug = button.getAttribute("data-selesai");
    function paint() {
      var done = !!load().selesai[slug];
      button.setAttribute("aria-pressed", done ? "true" : "false");
      button.textContent = done ? "Modul ini sudah ditandai selesai" : "Tandai modul ini selesai";
    }
    show(button.parentNode);
    paint();
    button.addEventListener("click", function () {
      var data = load();
      if (data.selesai[slug]) delete data.selesai[slug]; else data.selesai[slug] = today();
      save(data);
      paint();
    });
  });

  var report = document.querySelector("[data-hasil]");
  if (report) {
    var fill = function () {
      var data = load();
      report.querySelectorAll("[data-skor]").forEach(function (row) {
        var s = data.skor[row.getAttribute("data-skor")];
        row.querySelector(".skor").textContent = s ? s.benar + " dari " + s.jumlah : "belum dikerjakan";
        var when = row.querySelector(".tanggal");
        if (when) when.textContent = s ? s.tanggal : "–";
      });
      report.querySelectorAll("[data-modul]").forEach(function (row) {
        var done = data.selesai[row.getAttribute("data-modul")];
        row.querySelector(".selesai").textContent = done ? "selesai, " + done : "belum";
      });
      report.querySelector("[data-tanggal-cetak]").textContent = today();
    };
    fill();
    show(report.querySelector(".hasil-aksi"));
    report.querySelector("[data-cetak]").addEventListener("click", function () { window.print(); });
    report.querySelector("[data-hapus]").addEventListener("click", function () {
      try { localStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
      fill();
      report.querySelector(".hasil-status").textContent = "Semua hasil di perangkat ini sudah dihapus.";
    });
  }

  // Say so when the page comes from the copy on this device (no network).
  function offlineNote() {
    var note = document.getElementById("luring");
    var main = document.querySelector("main");
    if (!navigator.onLine && !note && main) {
      note = document.createElement("p");
      note.id = "luring";
      note.className = "luring";
      note.setAttribute("role", "status");
      note.textContent = "Anda sedang luring: halaman ini dibuka dari salinan yang tersimpan di perangkat.";
      main.insertBefore(note, main.firstChild);
    } else if (navigator.onLine && note) {
      note.remove();
    }
  }
  window.addEventListener("online", offlineNote);
  window.addEventListener("offline", offlineNote);
  offlineNote();

  // On narrow screens the table of contents scrolls away: a "Daftar isi" link under each heading.
  document.querySelectorAll(".module-text h2[id]").forEach(function (heading) {
    var link = document.createElement("a");
    link.className = "toc-link";
    link.href = "#daftar-isi";
    link.textContent = "Daftar isi";
    var p = document.createElement("p");
    p.className = "toc-link";
    p.appendChild(link);
    heading.insertAdjacentElement("afterend", p);
  });
})();
