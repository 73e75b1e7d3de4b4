"""The corrected facts of the fact-check (issue 15) stay corrected, and the learner's text speaks
without an authorial "kami" and without hedging every sentence as "menurut pemberitaan"."""
from __future__ import annotations

import re

import pytest
from helpers import ROOT

MODULES = ROOT / "content" / "modul"


def text(prefix: str) -> str:
    return next(MODULES.glob(f"{prefix}-*.md")).read_text(encoding="utf-8")


def learner_text(source: str) -> str:
    """Everything but the facilitator notes and quoted speech (‘...’)."""
    source = re.sub(r"catatan_fasilitator:\n(  - .*\n)+", "", source)
    return re.sub(r"‘[^’]*’", "", source)


@pytest.mark.parametrize("path", sorted(MODULES.glob("*.md")) + [ROOT / "content" / "istilah.md"],
                         ids=lambda p: p.name)
def test_no_authorial_we_and_no_news_hedging(path):
    learner = learner_text(path.read_text(encoding="utf-8"))
    assert not re.search(r"\bkami\b", learner, re.I)
    assert "menurut pemberitaan" not in learner.lower()


def test_nik_rests_on_the_personal_data_law():
    for prefix in ("05", "08"):
        source = text(prefix)
        assert "Administrasi Kependudukan" not in source and "Pasal 84" not in source
        assert re.search(r"\[\^m\d-nik\]: Undang-Undang Nomor 27 Tahun 2022", source)


def test_provincial_chair_lokus_years_and_agency_names():
    assert "Ketua TP PKK provinsi, dilantik 20 Februari 2025 untuk masa bakti 2025–2030" in text("04")
    assert "batuah.co, 26 Mei 2025" in text("04")
    lokus = text("06")
    assert "untuk tahun 2023 Kukar menetapkan 21 desa/kelurahan" in lokus
    assert "19 desa/kelurahan pada 2022" in lokus
    for prefix in ("02", "07"):
        assert "DPMPD" in text(prefix) and "DPMD Provinsi" not in text(prefix)


def test_history_and_disaster_standard_and_sample_registry():
    assert "Permendagri Nomor 19 Tahun 2011" in text("01")
    assert "Permendagri Nomor 101 Tahun 2018" in text("02")
    assert "**data contoh**" in text("08") and "sistem Kemendagri" in text("08")
