// Works out a Posyandu's next opening day from its schedule, in the Posyandu's own time zone.
// Without JavaScript the page still shows the schedule in words.
(function () {
  var DAYS = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"];
  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember"];

  function nthWeekday(year, month, weekday, n) {
    if (n > 0) {
      var first = new Date(Date.UTC(year, month, 1)).getUTCDay();
      var day = 1 + ((weekday - first + 7) % 7) + 7 * (n - 1);
      return day <= daysIn(year, month) ? day : null;
    }
    var lastDay = daysIn(year, month);
    var last = new Date(Date.UTC(year, month, lastDay)).getUTCDay();
    return lastDay - ((last - weekday + 7) % 7);
  }

  function daysIn(year, month) {
    return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  }

  // The next opening on or after `today` (a UTC date standing for the local day).
  function next(rule, today) {
    if (rule.weekday !== null && rule.week === null) {
      var ahead = (rule.weekday - today.getUTCDay() + 7) % 7;
      return new Date(today.getTime() + ahead * 86400000);
    }
    for (var i = 0; i < 14; i++) {
      var y = today.getUTCFullYear(), m = today.getUTCMonth() + i;
      var year = y + Math.floor(m / 12), month = m % 12;
      var day = rule.date !== null
        ? (rule.date <= daysIn(year, month) ? rule.date : null)
        : nthWeekday(year, month, rule.weekday, rule.week);
      if (day !== null) {
        var candidate = new Date(Date.UTC(year, month, day));
        if (candidate >= today) return candidate;
      }
    }
    return null;
  }

  function number(value) {
    return value === undefined || value === "" ? null : parseInt(value, 10);
  }

  window.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-jadwal]").forEach(function (el) {
      var rule = { date: number(el.dataset.tanggal), weekday: number(el.dataset.hari),
        week: number(el.dataset.mingguKe) };
      var offset = number(el.dataset.offset) || 0;
      var local = new Date(Date.now() + offset * 3600000);
      var today = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
      var found = next(rule, today);
      if (!found) return;
      var words = DAYS[found.getUTCDay()] + ", " + found.getUTCDate() + " " +
        MONTHS[found.getUTCMonth()] + " " + found.getUTCFullYear();
      var target = el.querySelector("[data-next]");
      target.textContent = (found.getTime() === today.getTime() ? "Hari ini, " : "") + words +
        ", pukul " + el.dataset.mulai + " " + el.dataset.zona;
      target.dataset.date = found.toISOString().slice(0, 10);
      el.hidden = false;
    });
  });
})();
