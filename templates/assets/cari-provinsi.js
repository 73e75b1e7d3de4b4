// The provinsi-wide lookup by name on the national site (a provinsi page, or the national search
// page): as the resident types, it fetches the provinsi's small manifest (cari-indeks/indeks.json)
// and then the one shard that holds every Posyandu with a word of the query (its first three
// letters, or a very common name word with the first letter of another word: "melati+s"), and
// runs MiniSearch (prefix and fuzzy matching) over the shards fetched so far. The shards are made
// by generator/provinsi_finder.py, which splits words exactly as this script does. Results link
// to the Posyandu's profile in its kabupaten's site. On the national search page the query and
// the provinsi live in the address; a provinsi page's form opens that page.
(function () {
  "use strict";
  var SHOWN = 10;
  var ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"];
  var form = document.querySelector("[data-provinsi-finder]");
  if (!form || !window.MiniSearch || !window.PosyanduHasil) return;
  var fold = window.PosyanduHasil.fold, element = window.PosyanduHasil.element;
  var root = new URL(form.dataset.root, window.location.href);
  var input = form.querySelector("input[type=search]");
  var scope = form.querySelector("[name=wilayah]");
  var live = document.getElementById("cari-status");
  var list = document.getElementById("hasil");
  var searchPage = form.hasAttribute("data-search-page");
  var provinsi = form.dataset.provinsi ? JSON.parse(form.dataset.provinsi) :
    [{ kode: form.dataset.kode, nama: form.dataset.nama, path: form.dataset.path }];
  var indexes = {};  // by provinsi code: {ready, manifest, failed, files: {n: promise, then true}}
  var docs = [];  // by MiniSearch id: {row, desa, kec, kab, files, status} of one Posyandu
  var known = {};  // position in docs by "provinsi/kabupaten folder + id"
  var limit = SHOWN;
  var engine = new window.MiniSearch({
    fields: ["nama", "desa", "kecamatan", "kabupaten"],
    processTerm: function (term) { return fold(term); },
    searchOptions: { boost: { nama: 3, desa: 2 }, prefix: true, fuzzy: 0.25 }
  });

  function words(text) {
    return fold(text).split(/[\n\r\p{Z}\p{P}]+/u).filter(function (w) {
      return w && w !== "posyandu";
    });
  }

  function isKey(w) {
    return w.length >= 2 && !/^\d+$/.test(w) && ROMAN.indexOf(w) < 0;
  }

  function chosen() {
    var kode = scope ? scope.value : "";
    var found = provinsi.filter(function (p) { return !kode || p.kode === kode; });
    return found.length ? found : provinsi;
  }

  function manifest(p) {
    var state = indexes[p.kode];
    if (state) return state.ready;
    state = indexes[p.kode] = { manifest: null, files: {} };
    state.ready = fetch(new URL(p.path + "cari-indeks/indeks.json", root)).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (m) { state.manifest = m; }).catch(function () {
      state.failed = true;
      live.textContent = "Indeks Provinsi " + p.nama + " tidak dapat dimuat. Telusuri menurut kabupaten/kota.";
    });
    return state.ready;
  }

  // The shard files that hold every Posyandu with one of the query's words: [file, size].
  function candidates(m, query) {
    var ws = words(query), partial = !/[\s\p{P}]$/u.test(query), found = [];
    function add(key) {
      var n = m.kunci[key];
      if (n !== undefined && !found.some(function (c) { return c[0] === n; })) found.push([n, m.berkas[n]]);
    }
    var rare = ws.filter(function (v) { return isKey(v) && m.umum[v] === undefined; });
    ws.forEach(function (w, i) {
      if (!isKey(w)) return;
      var open = partial && i === ws.length - 1;
      if (m.umum[w] !== undefined) {  // paired with the query's less common words, if any
        ws.forEach(function (v, j) {
          if (j !== i && (!rare.length || rare.indexOf(v) >= 0)) add(w + "+" + v.charAt(0));
        });
      }
      if (m.umum[w] === undefined || open) {
        if (!open || w.length >= m.awalan) add(w.slice(0, m.awalan));
      }
    });
    return found.sort(function (a, b) { return a[1] - b[1] || a[0] - b[0]; });
  }

  // Fetches shard file n of provinsi p into the engine; state.files[n] is its promise, then true.
  function shard(p, n) {
    var state = indexes[p.kode];
    state.files[n] = fetch(new URL(p.path + "cari-indeks/" + n + ".json", root)).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (s) {
      var added = [];
      s.posyandu.forEach(function (row) {
        var desa = s.desa[row[2]], kec = s.kecamatan[desa[1]], kab = state.manifest.kabupaten[kec[1]];
        var key = p.kode + "/" + kab[1] + row[0];
        if (known[key] !== undefined) { docs[known[key]].files[p.kode + "/" + n] = true; return; }
        known[key] = docs.length;
        docs.push({ row: row, desa: desa, kec: kec, kab: kab, files: {}, status: state.manifest.status });
        docs[docs.length - 1].files[p.kode + "/" + n] = true;
        added.push({ id: docs.length - 1, nama: row[1], desa: [desa[0]].concat(desa[2]).join(" "),
          kecamatan: [kec[0]].concat(kec[2]).join(" "), kabupaten: kab[0] });
      });
      engine.addAll(added);
      state.files[n] = true;
    }).catch(function () { state.files[n] = true; });
    return state.files[n];
  }

  // For every provinsi searched: its manifest (or what to wait for), the shard files that
  // cover the query, those loaded ("kode/n") and the one being fetched.
  function plan(query) {
    return chosen().map(function (p) {
      var state = indexes[p.kode];
      if (!state || (!state.manifest && !state.failed)) return { p: p, wait: manifest(p), files: [] };
      var files = state.failed ? [] : candidates(state.manifest, query).map(function (c) { return c[0]; });
      return { p: p, files: files,
        done: files.filter(function (n) { return state.files[n] === true; }),
        busy: files.filter(function (n) { return state.files[n] && state.files[n] !== true; })[0],
        next: files.filter(function (n) { return !state.files[n]; })[0] };
    });
  }

  // What to wait for before the results are complete: a manifest; a covering shard being
  // fetched; or, when no covering shard of a provinsi is loaded (or those loaded found
  // nothing), the smallest one not fetched yet.
  function fetches(plans, found) {
    return plans.map(function (x) {
      if (x.wait) return x.wait;
      if (x.busy !== undefined) return indexes[x.p.kode].files[x.busy];
      if (x.next !== undefined && (!x.done.length || !found)) return shard(x.p, x.next);
      return null;
    }).filter(Boolean);
  }

  function card(i) {
    var d = docs[i];
    return window.PosyanduHasil.card({ name: d.row[1],
      href: new URL(d.kab[1] + "posyandu/" + d.row[0] + "/", root).href,
      place: d.desa[0] + ", Kecamatan " + d.kec[0] + ", " + d.kab[0], schedule: d.row[4],
      offset: d.kab[2], zona: d.kab[3], status: d.status[d.row[3]] });
  }

  function show(found, message, text) {
    list.textContent = "";
    places(text);
    window.PosyanduHasil.fill(list, found, limit, card,
      function () { limit = found.length; show(found, message, text); });
    live.textContent = message;
  }

  // Edit distance (Levenshtein) from what was typed to a word of the index; a letter left out
  // (the commonest slip on a phone) costs a little less than a wrong or an extra one.
  function distance(a, b) {
    var row = [], i, j, prev, cur;
    for (j = 0; j <= b.length; j++) row.push(0.9 * j);
    for (i = 1; i <= a.length; i++) {
      prev = row[0];
      row[0] = i;
      for (j = 1; j <= b.length; j++) {
        cur = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 0.9, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length];
  }

  // Positions in docs of the Posyandu in the shard files given that match every word: those
  // whose words are closest to the query's first (a word typed so far may be the start of a
  // longer one, at half a letter's cost), then those whose whole name and whole desa name the
  // query matched, then those with more of the query in their name, then A-Z (name, desa,
  // kecamatan, kabupaten, id): the same order whichever shards were fetched first.
  function search(text, files) {
    return engine.search(text, { combineWith: "AND", filter: function (r) {
      return files.some(function (f) { return docs[r.id].files[f]; });
    } }).map(function (h) {
      var d = docs[h.id], matched = Object.keys(h.match);
      var whole = [words(d.row[1]), words(d.desa[0]).slice(1)].filter(function (ws) {
        return ws.length && ws.every(function (w) { return matched.indexOf(w) >= 0; });
      }).length;
      var off = h.queryTerms.reduce(function (sum, q) {
        return sum + Math.min.apply(null, matched.map(function (t) {
          return Math.min(distance(q, t), distance(q, t.slice(0, q.length)) + 0.5);
        }));
      }, 0);
      var named = matched.filter(function (t) { return h.match[t].indexOf("nama") >= 0; }).length;
      return { id: h.id, off: off, whole: whole, named: named,
        order: [d.row[1], d.desa[0], d.kec[0], d.kab[0], d.row[0]].join("\u0000") };
    }).sort(function (a, b) {
      return a.off - b.off || b.whole - a.whole || b.named - a.named ||
        (a.order < b.order ? -1 : a.order > b.order ? 1 : 0);
    }).map(function (h) { return h.id; });
  }

  // How many Posyandu share the query's words when every word is too common to look up alone
  // (the largest count of one word, added over the provinsi searched), else 0.
  function common(text) {
    var ws = words(text).filter(isKey);
    return chosen().reduce(function (n, p) {
      var m = indexes[p.kode] && indexes[p.kode].manifest;
      if (!m || !ws.length || !ws.every(function (w) { return m.umum[w]; })) return n;
      return n + Math.max.apply(null, ws.map(function (w) { return m.umum[w]; }));
    }, 0);
  }

  var latest = 0;
  function run() {
    var query = input.value, text = words(query).join(" "), ticket = ++latest;
    limit = SHOWN;
    if (!text) { list.textContent = ""; live.textContent = ""; return; }
    var plans = plan(query), loaded = [];
    plans.forEach(function (x) {
      (x.done || []).forEach(function (n) { loaded.push(x.p.kode + "/" + n); });
    });
    var found = loaded.length ? search(text, loaded) : [], waiting = fetches(plans, found.length > 0);
    var many = common(text);
    var hint = many ? "Kata itu dipakai " + many.toLocaleString("id-ID") + " Posyandu. Tambahkan nama desa/kelurahannya." : "";
    if (found.length) {
      show(found, found.length + " Posyandu ditemukan untuk “" + query.trim() + "”." + (hint ? " " + hint : ""), text);
    }
    if (waiting.length) {
      if (!found.length) live.textContent = "Mencari…";
      Promise.all(waiting).then(function () { if (ticket === latest) run(); });
      return;
    }
    if (found.length) return;
    list.textContent = "";
    var asked = plans.some(function (x) { return x.files.length; });
    var typed = words(query).some(function (w) { return isKey(w) && w.length >= 3; });
    places(text);
    live.textContent = hint ? hint : list.firstChild ? "Tidak ada Posyandu bernama “" + query.trim() +
      "”. Lihat direktori kabupaten/kota di bawah." :
      asked || typed ? "Tidak ada Posyandu yang cocok. Periksa ejaan, atau telusuri menurut kabupaten/kota." :
      "Ketik sedikitnya tiga huruf nama Posyandu atau desa/kelurahan.";
  }

  // A link to the directory of each kabupaten/kota of the provinsi searched whose name has
  // every word of the query (a word typed so far as the start of one), put in the list.
  function places(text) {
    var ws = words(text).filter(function (w) { return w.length >= 3; });
    chosen().forEach(function (p) {
      var m = indexes[p.kode] && indexes[p.kode].manifest;
      (m ? m.kabupaten : []).forEach(function (k) {
        var own = words(k[0]);
        if (!ws.length || !ws.every(function (w) {
          return own.some(function (o) { return o.indexOf(w) === 0; });
        })) return;
        var li = element("li", "place"), link = element("a", "", "Direktori " + k[0]);
        link.href = new URL(k[1], root).href;
        li.appendChild(link);
        list.appendChild(li);
      });
    });
  }

  function remember() {
    if (!searchPage) return;
    var params = new URLSearchParams(window.location.search);
    if (input.value.trim()) params.set("q", input.value.trim()); else params.delete("q");
    if (scope && scope.tagName === "SELECT") params.set("wilayah", scope.value);
    var url = window.location.pathname + (params.toString() ? "?" + params : "") + window.location.hash;
    window.history.replaceState(null, "", url);
  }

  function restore() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    if (scope && scope.tagName === "SELECT") scope.value = params.get("wilayah") || "";
    if (input.value) run();
  }

  input.addEventListener("focus", function () { chosen().forEach(manifest); });
  input.addEventListener("input", function () { run(); remember(); });
  if (scope) scope.addEventListener("change", function () { run(); remember(); });
  form.addEventListener("submit", function (event) {
    if (!searchPage) {  // a provinsi page's form opens the search page (without JavaScript: the list)
      form.action = new URL("cari/", root).href;
      return;
    }
    event.preventDefault();
    run();
    remember();
  });
  window.addEventListener("popstate", restore);
  restore();
})();
