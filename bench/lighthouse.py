"""Lighthouse (npm lighthouse@12, Debian's Chromium) on the built site: scores per page.

Usage: python bench/lighthouse.py [--site site] [--min 0.95] [--pages PATH ...]
Serves the site on 127.0.0.1, runs Lighthouse's default (mobile) audit on each page and prints
performance, accessibility, best-practices and SEO; exits 1 if any score is below --min.
Default pages: home, one Posyandu profile, the finder with results, one training module.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def default_pages(site: Path) -> list[str]:
    """Home, the first Posyandu profile, the finder with results and the first training
    module of ``site``."""
    pages = [""]
    profiles = sorted((site / "posyandu").glob("*/index.html"))
    if profiles:
        pages += [f"posyandu/{profiles[0].parent.name}/", "cari/?q=Posyandu"]
    modules = sorted(p.parent.name for p in (site / "pelatihan").glob("*/index.html")
                     if p.parent.name not in ("istilah", "cetak", "cari"))
    if modules:
        pages.append(f"pelatihan/{modules[0]}/")
    return pages


def audit(url: str, chrome: str) -> dict[str, float]:
    """Lighthouse's category scores for one URL."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [str(ROOT / "node_modules" / ".bin" / "lighthouse"), url, "--output=json",
             f"--output-path={report}", "--quiet", "--only-categories=" + ",".join(CATEGORIES),
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu "
             "--disable-background-networking --disable-component-update --disable-sync "
             "--no-first-run --disable-quic"],
            check=True, env={**os.environ, "CHROME_PATH": chrome})
        data = json.loads(report.read_text(encoding="utf-8"))
    return {k: data["categories"][k]["score"] for k in CATEGORIES}


def main(argv: list[str] | None = None) -> int:
    """Audit the pages; print one line per page and whether all met --min."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--min", type=float, default=0.95)
    parser.add_argument("--pages", nargs="*")
    args = parser.parse_args(argv)
    chrome = shutil.which("chromium") or "/usr/bin/chromium"
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    low = []
    try:
        for path in args.pages if args.pages is not None else default_pages(args.site):
            scores = audit(f"http://127.0.0.1:{server.server_address[1]}/{path}", chrome)
            print(f"/{path}: " + " ".join(f"{k}={v:.2f}" for k, v in scores.items()), flush=True)
            low += [f"/{path} {k}={v}" for k, v in scores.items() if v is None or v < args.min]
    finally:
        server.shutdown()
    print(f"all scores >= {args.min}" if not low else "below minimum: " + ", ".join(low))
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
