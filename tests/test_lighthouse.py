"""Smoke check of the Lighthouse budget script (bench/lighthouse.py) on one profile page."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT


@pytest.mark.slow
def test_lighthouse_scores_a_profile_at_least_095(sample_site: Path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "lighthouse.py"), "--site", str(sample_site),
         "--pages", "posyandu/samboja-handil-baru-melati/"],
        capture_output=True, text=True, check=False, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    line = result.stdout.splitlines()[0]
    scores = dict(re.findall(r"([a-z-]+)=([0-9.]+)", line))
    assert set(scores) == {"performance", "accessibility", "best-practices", "seo"}
    assert all(float(v) >= 0.95 for v in scores.values()), line
