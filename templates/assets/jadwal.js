// Whether a Posyandu is open now, closes at, or opens next, in the Posyandu's own time zone
// (its offset from UTC), whatever the zone of the phone. Used by the profile and by the finder's
// result cards (window.PosyanduJadwal). Without JavaScript pages still show the schedule in words.
(function () {
  var DAYS = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"];
  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember"];
  var DAY_MS = 86400000;

  function daysIn(year, month) {
    return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  }

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

  // The first opening day on or after `from` (a UTC midnight standing for the local day).
  function nextDay(rule, from) {
    var today = new Date(from);
    if (rule.weekday !== null && rule.week === null) {
      return from + ((rule.weekday - today.getUTCDay() + 7) % 7) * DAY_MS;
    }
    for (var i = 0; i < 14; i++) {
      var m = today.getUTCMonth() + i;
      var year = today.getUTCFullYear() + Math.floor(m / 12), month = m % 12;
      var day = rule.date !== null
        ? (rule.date <= daysIn(year, month) ? rule.date : null)
        : nthWeekday(year, month, rule.weekday, rule.week);
      if (day !== null && Date.UTC(year, month, day) >= from) return Date.UTC(year, month, day);
    }
    return null;
  }

  function minutes(hhmm) {
    var parts = hhmm.split(".");
    return parseInt(parts[0], 10) * 60 + parseInt(parts[1], 10);
  }

  function dateWords(day) {
    var d = new Date(day);
    return DAYS[d.getUTCDay()] + ", " + d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " +
      d.getUTCFullYear();
  }

  // {state: "open" | "later" | "closed", day: UTC midnight of the opening, text} at `now` (ms).
  function status(rule, now, offset, zona) {
    var local = new Date(now + offset * 3600000);
    var today = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
    var clock = local.getUTCHours() * 60 + local.getUTCMinutes();
    var hours = "pukul " + rule.start + "–" + rule.end + " " + zona;
    var day = nextDay(rule, today);
    if (day === today && clock < minutes(rule.end)) {
      if (clock >= minutes(rule.start)) {
        return { state: "open", day: day, text: "Buka sekarang, tutup pukul " + rule.end + " " +
          zona + " (hari ini, " + dateWords(day) + ")" };
      }
      return { state: "later", day: day, text: "Tutup sekarang. Buka hari ini, " +
        dateWords(day) + ", " + hours };
    }
    if (day === today) day = nextDay(rule, today + DAY_MS);
    if (day === null) return null;
    return { state: "closed", day: day, text: "Tutup sekarang. Buka berikutnya: " +
      dateWords(day) + ", " + hours };
  }

  function number(value) {
    return value === undefined || value === null || value === "" ? null : parseInt(value, 10);
  }

  window.PosyanduJadwal = { status: status };

  window.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-jadwal]").forEach(function (el) {
      var rule = { date: number(el.dataset.tanggal), weekday: number(el.dataset.hari),
        week: number(el.dataset.mingguKe), start: el.dataset.mulai, end: el.dataset.selesai };
      var found = status(rule, Date.now(), number(el.dataset.offset) || 0, el.dataset.zona);
      if (!found) return;
      var target = el.querySelector("[data-next]");
      target.textContent = found.text;
      target.dataset.date = new Date(found.day).toISOString().slice(0, 10);
      target.dataset.state = found.state;
      el.hidden = false;
    });
  });
})();
