// The directory finder: instant search by Posyandu name, desa/kelurahan and kecamatan as the
// resident types, tolerant of typos (MiniSearch: prefix and fuzzy matching), over this
// kabupaten's small prebuilt index (cari/indeks.json); and "Posyandu terdekat", worked out in
// the page from the phone's location, which is never sent anywhere. The query and filters live
// in the address, so Back and a shared link keep them. Without JavaScript the form leads to the
// search page, which offers the A-Z browse pages instead.
(function () {
  "use strict";
  var SHOWN = 10;
  var form = document.querySelector("[data-finder]");
  if (!form || !window.MiniSearch || !window.PosyanduHasil) return;
  var fold = window.PosyanduHasil.fold, element = window.PosyanduHasil.element;
  var base = new URL(form.dataset.root, window.location.href);
  var input = form.querySelector("input[type=search]");
  var kecSelect = form.querySelector("[name=kecamatan]");
  var statusSelect = form.querySelector("[name=status]");
  var filters = document.getElementById(form.dataset.filters);
  var toggle = form.querySelector("[data-filter-toggle]");
  var nearest = form.querySelector("[data-nearest]");
  var live = document.getElementById(form.dataset.live);
  var list = document.getElementById(form.dataset.results);
  var chooser = document.getElementById(form.dataset.chooser);
  var onSearchPage = form.hasAttribute("data-search-page");
  var data = null, engine = null, loading = null, limit = SHOWN;

  function load() {
    if (loading) return loading;
    live.textContent = "Memuat daftar Posyandu…";
    loading = fetch(new URL("cari/indeks.json", base)).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (index) {
      data = index;
      var search = new window.MiniSearch({
        fields: ["nama", "desa", "kecamatan"],
        processTerm: function (term) { return fold(term); },
        searchOptions: { boost: { nama: 3, desa: 2 }, prefix: true, fuzzy: 0.25 }
      });
      // In chunks, so that a slow phone stays responsive while the index is built.
      return search.addAllAsync(index.posyandu.map(function (p, i) {
        var desa = index.desa[p[2]], kec = index.kecamatan[desa[1]];
        return { id: i, nama: p[1], desa: [desa[0]].concat(desa[5]).join(" "),
          kecamatan: [kec[0]].concat(kec[2]).join(" ") };
      }), { chunkSize: 100 }).then(function () {
        engine = search;
        fillFilters();
        live.textContent = "";
      });
    }).catch(function () {
      loading = null;
      live.textContent = "Daftar Posyandu tidak dapat dimuat. Telusuri menurut kecamatan di beranda.";
    });
    return loading;
  }

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }

  function fillFilters() {
    data.kecamatan.forEach(function (k) { option(kecSelect, k[0], k[0]); });
    data.status.forEach(function (s) { option(statusSelect, s, s.charAt(0).toUpperCase() + s.slice(1)); });
    var params = new URLSearchParams(window.location.search);
    kecSelect.value = params.get("kecamatan") || "";
    statusSelect.value = params.get("status") || "";
    if (kecSelect.value || statusSelect.value) toggleFilters(true);
  }

  function toggleFilters(open) {
    filters.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
  }

  function passes(i) {
    var p = data.posyandu[i], desa = data.desa[p[2]];
    return (!kecSelect.value || data.kecamatan[desa[1]][0] === kecSelect.value) &&
      (!statusSelect.value || data.status[p[3]] === statusSelect.value);
  }

  // Positions of the matching Posyandu, best first; "posyandu" itself narrows nothing.
  function find(query) {
    var words = query.trim().split(/\s+/).filter(function (w) { return w && fold(w) !== "posyandu"; });
    if (!words.length) {
      return data.posyandu.map(function (p, i) { return i; }).filter(passes);
    }
    var text = words.join(" ");
    var hits = engine.search(text, { combineWith: "AND", filter: function (r) { return passes(r.id); } });
    if (!hits.length) hits = engine.search(text, { filter: function (r) { return passes(r.id); } });
    return hits.map(function (h) { return h.id; });
  }

  function card(i, n, distances) {
    var p = data.posyandu[i], desa = data.desa[p[2]], kec = data.kecamatan[desa[1]];
    return window.PosyanduHasil.card({ name: p[1], href: new URL("posyandu/" + p[0] + "/", base).href,
      place: desa[0] + ", Kecamatan " + kec[0], distance: distances ? distances[n] : "",
      schedule: p[4], offset: data.offset, zona: data.zona, status: data.status[p[3]] });
  }

  function show(found, message, distances) {
    list.textContent = "";
    chooser.hidden = true;
    window.PosyanduHasil.fill(list, found, limit, function (i, n) { return card(i, n, distances); },
      function () { limit = found.length; show(found, message, distances); });
    live.textContent = message;
  }

  function run() {
    limit = SHOWN;
    var query = input.value;
    if (!query.trim() && !kecSelect.value && !statusSelect.value) {
      list.textContent = "";
      live.textContent = "";
      return;
    }
    var found = find(query);
    show(found, found.length ? found.length + " Posyandu ditemukan" +
      (query.trim() ? " untuk “" + query.trim() + "”" : "") + "." :
      "Tidak ada Posyandu yang cocok. Periksa ejaan, atau telusuri menurut kecamatan.");
  }

  function remember(push) {
    if (!onSearchPage) return;
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    if (kecSelect.value) params.set("kecamatan", kecSelect.value);
    if (statusSelect.value) params.set("status", statusSelect.value);
    var url = window.location.pathname + (params.toString() ? "?" + params : "");
    if (url === window.location.pathname + window.location.search) return;
    window.history[push ? "pushState" : "replaceState"](null, "", url);
  }

  function whenLoaded(then) {
    if (engine) then(); else load().then(function () { if (engine) then(); });
  }

  // Distance on the sphere (haversine), in km.
  function km(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180, dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 6371 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
  }

  function showNearest(position) {
    var lat = position.coords.latitude, lon = position.coords.longitude;
    var ranked = data.posyandu.map(function (p, i) {
      var desa = data.desa[p[2]], guess = p[5] === null;
      return { i: i, guess: guess, d: km(lat, lon, guess ? desa[2] : p[5], guess ? desa[3] : p[6]) };
    }).sort(function (a, b) { return a.d - b.d || a.i - b.i; }).slice(0, SHOWN);
    limit = SHOWN;
    show(ranked.map(function (r) { return r.i; }),
      ranked.length + " Posyandu terdekat dari lokasi Anda. Lokasi Anda tidak dikirim ke mana pun.",
      ranked.map(function (r) {
        return r.d.toFixed(1).replace(".", ",") + " km" +
          (r.guess ? " (perkiraan: dari pusat desa/kelurahan)" : "");
      }));
  }

  // No location (refused, or no GPS): the resident picks the kecamatan, then the desa.
  function choose(reason) {
    list.textContent = "";
    chooser.hidden = false;
    live.textContent = reason + " Pilih kecamatan, lalu desa/kelurahan Anda.";
    var select = chooser.querySelector("select");
    if (select.options.length < 2) {
      data.kecamatan.forEach(function (k, n) { option(select, String(n), k[0]); });
      select.addEventListener("change", function () {
        var villages = chooser.querySelector("ul");
        villages.textContent = "";
        data.desa.forEach(function (d) {
          if (String(d[1]) !== select.value) return;
          var li = element("li"), a = element("a", "", d[0]);
          a.href = new URL(d[4], base).href;
          li.appendChild(a);
          villages.appendChild(li);
        });
      });
    }
    select.focus();
  }

  function locate() {
    whenLoaded(function () {
      if (!navigator.geolocation) { choose("Ponsel ini tidak memberi lokasi."); return; }
      live.textContent = "Mencari lokasi Anda…";
      navigator.geolocation.getCurrentPosition(showNearest, function (error) {
        choose(error.code === 1 ? "Izin lokasi ditolak." : "Lokasi tidak dapat ditentukan.");
      }, { enableHighAccuracy: false, timeout: 20000, maximumAge: 600000 });
    });
  }

  form.classList.add("ready");  // shows the buttons that need this script
  input.addEventListener("focus", load);
  input.addEventListener("input", function () { whenLoaded(function () { run(); remember(false); }); });
  [kecSelect, statusSelect].forEach(function (s) {
    s.addEventListener("change", function () { whenLoaded(function () { run(); remember(true); }); });
  });
  toggle.addEventListener("click", function () { toggleFilters(filters.hidden); });
  nearest.addEventListener("click", locate);
  form.addEventListener("submit", function (event) {
    if (!onSearchPage) {  // the home page's form opens the search page, without empty filters
      [kecSelect, statusSelect].forEach(function (s) { s.disabled = !s.value; });
      return;
    }
    event.preventDefault();
    whenLoaded(function () { run(); remember(true); });
  });
  window.addEventListener("popstate", function () { restore(); });

  function restore() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    whenLoaded(function () {
      kecSelect.value = params.get("kecamatan") || "";
      statusSelect.value = params.get("status") || "";
      run();
    });
  }

  if (onSearchPage) restore();
})();
