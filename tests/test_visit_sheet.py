"""The coaching-visit sheet of a Posyandu and a kecamatan's visit order, checked against the
registry read independently (PyYAML) and with the gaps worked out here, not by the generator."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from dateutil.relativedelta import relativedelta
from helpers import ROOT, scalars, soup

LABELS = {"pendidikan": "Pendidikan", "kesehatan": "Kesehatan", "pekerjaan_umum": "Pekerjaan Umum",
          "perumahan_rakyat": "Perumahan Rakyat dan Kawasan Permukiman",
          "trantibumlinmas": "Ketenteraman dan Ketertiban Umum serta Pelindungan Masyarakat",
          "sosial": "Sosial"}
SAMPLES = ("samboja-handil-baru-teratai", "samboja-handil-baru-melati")


@pytest.fixture(scope="module")
def entries() -> dict[str, dict]:
    data = yaml.safe_load((ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8"))
    return {p["id"]: p for p in data["posyandu"]}


def as_of(entries: dict[str, dict]) -> dt.date:
    return max(p["diperbarui"] for p in entries.values())


def expected_gaps(p: dict, today: dt.date) -> list[str]:
    gaps = []
    if p["registrasi"]["status"] != "terdaftar":
        gaps.append(f"Status registrasi: {p['registrasi']['status']}")
    checked = p.get("verifikasi")
    if not checked:
        gaps.append("Belum pernah diverifikasi Tim Pembina")
    elif checked["tanggal"] < today - relativedelta(months=12):
        gaps.append("Verifikasi terakhir lebih dari 12 bulan sebelum tanggal data")
    if "koordinat" not in p:
        gaps.append("Koordinat belum tercatat")
    if not (p.get("kontak") or {}).get("telepon") and not (p.get("kontak") or {}).get("email"):
        gaps.append("Kontak publik belum ada")
    if "jadwal" not in p:
        gaps.append("Jadwal buka belum tercatat")
    if p.get("jumlah_kader_aktif") is None:
        gaps.append("Jumlah kader aktif belum tercatat")
    if not p.get("alamat"):
        gaps.append("Alamat belum tercatat")
    for key, label in LABELS.items():
        if not (p.get("spm", {}).get(key) or {}).get("berjalan"):
            gaps.append(f"Bidang {label} belum berjalan")
    return gaps


def sheet(sample_site: Path, pid: str):
    return soup(sample_site / "posyandu" / pid / "kunjungan" / "index.html")


@pytest.mark.parametrize("pid", SAMPLES)
def test_sheet_shows_exactly_the_public_values_and_the_gaps(sample_site: Path, entries, pid):
    p, page = entries[pid], sheet(sample_site, pid)
    cell = {td["data-isian"]: td.get_text(strip=True) for td in page.select("td[data-isian]")}
    reg = p["registrasi"]
    assert cell["status"] == reg["status"].capitalize()
    assert cell["nomor"] == reg.get("nomor", "–")
    assert cell["kader"] == str(p["jumlah_kader_aktif"])
    assert cell["alamat"] == p["alamat"]
    assert cell["koordinat"] == f"{p['koordinat']['lat']}, {p['koordinat']['lon']}"
    contact = [v for v in ((p.get("kontak") or {}).get(k) for k in ("telepon", "email")) if v]
    assert cell["kontak"] == (" · ".join(contact) or "Tidak ada")
    verified = p.get("verifikasi")
    assert (verified["oleh"] in cell["verifikasi"]) if verified else cell["verifikasi"] == "Belum pernah"
    gaps = [li.get_text() for li in page.select("ul.kekurangan li")]
    assert gaps == expected_gaps(p, as_of(entries))
    fields = [h.get_text() for h in page.select("section.bidang h2")]
    assert fields == [f"{label}: " + ("berjalan" if (p["spm"].get(key) or {}).get("berjalan")
                                      else "belum berjalan") for key, label in LABELS.items()]
    assert len(page.select("section.bidang ul.cek li")) == 6 * 3
    text = page.get_text(" ")
    private = {s for s in scalars(p.get("privat", {}))}
    assert private and not [s for s in private if s in text]
    assert "Data contoh." in page.select_one(".contoh").get_text()


def test_sheets_differ_where_the_entries_differ(sample_site: Path, entries):
    teratai, melati = (expected_gaps(entries[i], as_of(entries)) for i in SAMPLES)
    assert teratai != melati and teratai  # the test is not vacuous: Teratai lacks things


def test_profile_and_module_link_to_the_sheet(sample_site: Path):
    profile = soup(sample_site / "posyandu" / SAMPLES[1] / "index.html")
    assert profile.select_one('a[href="kunjungan/"]')
    module = soup(sample_site / "pelatihan" / "tim-pembina-posyandu" / "index.html")
    assert module.select_one(f'a[href="../../posyandu/{SAMPLES[1]}/kunjungan/"]')


def test_kecamatan_visit_order_puts_neediest_first(sample_site: Path, entries):
    today = as_of(entries)
    samboja = [p for p in entries.values() if p["kode_wilayah"].startswith("64.02.13.")]
    kec = sample_site / "kecamatan" / "samboja-640213"
    assert soup(kec / "index.html").select_one('a[href="urutan-kunjungan/"]')
    rows = soup(kec / "urutan-kunjungan" / "index.html").select("tbody tr")
    assert sorted(r["data-id"] for r in rows) == sorted(p["id"] for p in samboja)
    rank = {"belum terdaftar": 0, "dalam verifikasi": 1, "terdaftar": 2}

    def need(p: dict) -> tuple[int, int, int]:
        checked = p.get("verifikasi")
        stale = not checked or (today - checked["tanggal"]).days > 365
        return rank[p["registrasi"]["status"]], 0 if stale else 1, -len(expected_gaps(p, today))
    order = [need(entries[r["data-id"]]) for r in rows]
    assert order == sorted(order) and order[0] < order[-1]
    assert [int(r.select_one("td:nth-of-type(5)").get_text()) for r in rows] == [
        len(expected_gaps(entries[r["data-id"]], today)) for r in rows]
