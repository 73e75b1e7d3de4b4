// What both directory finders show as results (assets/cari.js in a kabupaten's site,
// assets/cari-provinsi.js on the national site): a Posyandu's card and the list of cards with
// its "show all" button; and how both fold a word for matching (accents off, lower case).
// Loaded after jadwal.js, whose PosyanduJadwal.status gives the card's "when it opens" line.
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  // One result (o): its name, a link to its profile (href), where it is (place), the distance
  // if given, when it opens next (schedule: the index's [date, weekday, week, start, end], or
  // null; offset and zona: the kabupaten's time zone) and its registration status.
  function card(o) {
    var li = element("li");
    var link = element("a", "card-title", o.name);
    link.href = o.href;
    li.appendChild(link);
    li.appendChild(element("p", "", o.place));
    if (o.distance) li.appendChild(element("p", "distance", o.distance));
    var j = o.schedule;
    var s = j ? window.PosyanduJadwal.status({ date: j[0], weekday: j[1], week: j[2],
      start: j[3], end: j[4] }, Date.now(), o.offset, o.zona) : null;
    var when = element("p", "next-open", s ? s.text : "Jadwal belum tercatat");
    if (s) when.dataset.state = s.state;
    li.appendChild(when);
    var badge = element("p");
    badge.appendChild(element("span", "status status-" + o.status.replace(/ /g, "-"),
      o.status.charAt(0).toUpperCase() + o.status.slice(1)));
    li.appendChild(badge);
    return li;
  }

  // The cards of the first `limit` of `found` (cardOf(item, n) makes one) added to `list`,
  // then, when there are more, a button that calls showAll.
  function fill(list, found, limit, cardOf, showAll) {
    found.slice(0, limit).forEach(function (item, n) { list.appendChild(cardOf(item, n)); });
    if (found.length > limit) {
      var li = element("li", "more");
      var more = element("button", "secondary", "Tampilkan semua " + found.length + " hasil");
      more.type = "button";
      more.addEventListener("click", showAll);
      li.appendChild(more);
      list.appendChild(li);
    }
  }

  window.PosyanduHasil = { fold: fold, element: element, card: card, fill: fill };
})();
