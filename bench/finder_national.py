"""The provinsi-wide name lookup of the national site on a cheap phone over slow 3G: time from
the last keystroke to the first correct result, bytes for the page plus the first query, and
whether the expected Posyandu is in the top 3, on the page of the largest provinsi.

Usage:
    python bench/finder_national.py SITE [--queries N]
    e.g. python bench/synth.py --national --only 35 --posyandu 50000 --out /tmp/d
         python -m generator build --units /tmp/d --only 35 --out /tmp/shard --base-url \\
             https://example.org/posyandu-kukar/
         python -m generator assemble --units /tmp/d --out /tmp/site /tmp/shard
         python bench/finder_national.py /tmp/site

Same conditions as bench/finder.py (CDP throttling 400 kbps / 400 ms RTT, CPU 4x, 360x740, cold
cache, gzip under a sub-path). Queries are picked from the largest provinsi's lookup
(``<provinsi>/cari-indeks/``): a name with its desa, a misspelt name with its desa, a desa name
and a misspelt desa name (one letter dropped), spread A-Z. ``--paste`` puts each query in at
once, so that the manifest and the shard are fetched after it, not while it is typed. Budget: every query <= 3 s and
<= 150 KB compressed for the page plus the first query.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from finder import CHROMIUM, CHROMIUM_ARGS, measure_queries, misspell, serve, summary
from playwright.sync_api import sync_playwright

BUDGET_S = 3.0
BUDGET_KB = 150


def largest(site: Path) -> Path:
    """The lookup folder of the provinsi with the most Posyandu."""
    folders = sorted(site.glob("*/cari-indeks"))
    if not folders:
        raise SystemExit(f"no provinsi lookup (*/cari-indeks/) in {site}")
    return max(folders, key=lambda f: (json.loads((f / "indeks.json").read_text())["posyandu"],
                                       f.name))


def posyandu(folder: Path) -> list[tuple[str, str, str]]:
    """(id, name, bare desa name) of every Posyandu in the provinsi's shards, A-Z."""
    found = set()
    for shard in folder.glob("[0-9]*.json"):
        doc = json.loads(shard.read_text(encoding="utf-8"))
        for p in doc["posyandu"]:
            found.add((p[0], p[1], doc["desa"][p[2]][0].split(" ", 1)[-1]))
    return sorted(found, key=lambda p: (p[1], p[2], p[0]))


def queries(entries: list[tuple[str, str, str]], count: int) -> list[tuple[str, str, set[str]]]:
    """(kind, query, ids that count as a correct result), every n-th entry of each kind."""
    by_name: dict[tuple[str, str], set[str]] = {}
    by_desa: dict[str, set[str]] = {}
    for pid, nama, desa in entries:
        by_name.setdefault((nama, desa), set()).add(pid)
        by_desa.setdefault(desa, set()).add(pid)
    per = max(count // 4, 1)
    names = sorted(by_name)
    villages = sorted(by_desa)
    chosen = []
    for i, (nama, desa) in enumerate(names[::max(len(names) // (2 * per), 1)][:2 * per]):
        bare = nama.removeprefix("Posyandu ")
        kind, text = ("nama", bare) if i % 2 == 0 else ("nama salah ketik", misspell(bare))
        chosen.append((kind, f"{text} {desa}", by_name[(nama, desa)]))
    for i, desa in enumerate(villages[::max(len(villages) // (2 * per), 1)][:count - 2 * per]):
        kind, text = ("desa", desa) if i % 2 == 0 else ("desa salah ketik", misspell(desa))
        chosen.append((kind, text, by_desa[desa]))
    return chosen


def run(site: Path, count: int, paste: bool = False) -> int:
    folder = largest(site)
    picked = queries(posyandu(folder), count)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        server, url = serve(site, Path(tmp))
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            print(f"page: {folder.parent.name}/")
            rows = measure_queries(browser, url + folder.parent.name + "/", picked, paste)
        finally:
            browser.close()
            server.shutdown()
    _, worst, _, hits = summary(rows)
    heaviest = max(r[3] for r in rows) / 1024
    ok = worst <= BUDGET_S and heaviest <= BUDGET_KB and hits >= len(rows) - len(rows) // 20
    print("budget met" if ok else "budget NOT met")
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--paste", action="store_true",
                        help="put each query in at once (no shard fetched while typing)")
    args = parser.parse_args(argv)
    return run(args.site, args.queries, args.paste)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
