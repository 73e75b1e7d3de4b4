"""One Pagefind index per provinsi of its Posyandu, from each kabupaten's published records."""
from __future__ import annotations

import html
import json
import tempfile
from pathlib import Path
from typing import Any

from .. import search
from ..cache import CacheDir, write_atomically
from ..models import SPM_FIELDS
from ..plan import Area
from ..problems import BuildError, Problems
from .folders import swap_folder

OPEN_DATA = "data/posyandu.json"  # a kabupaten's public records, the provinsi index's source


def provinsi_indexes(out: Path, provinsi: list[Area], cache: CacheDir) -> None:
    """One search index per provinsi (``<provinsi>/pagefind/``) of its Posyandu, made from each
    kabupaten's data/posyandu.json: one small page per Posyandu, so that a provinsi-wide search
    loads one index, not one per kabupaten. An index whose records did not change is kept."""
    state_file = cache.provinsi_indexes()
    assert state_file and cache.folder, "the indexes are made in a cache folder"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    for area in provinsi:
        key = cache.key(*(part for k in area.parts
                          for part in (k.path, k.nama, (out / k.path / OPEN_DATA).read_bytes())))
        target = out / area.path / "pagefind"
        if state.get(area.kode) == key and target.is_dir():
            continue
        pages = {k.path + f"posyandu/{r['id']}/": record_page(r, k.nama)
                 for k in area.parts for r in _posyandu(out / k.path)}
        with tempfile.TemporaryDirectory(dir=cache.folder) as tmp:
            for url, html in pages.items():
                write_atomically(Path(tmp) / "pages" / url / "index.html", html.encode())
            problems = Problems()
            bundle = Path(tmp) / "pagefind"
            search.finish(search.start(Path(tmp) / "pages", bundle), Path(tmp), problems, bundle)
            if problems:
                raise BuildError(problems)
            swap_folder(bundle, target)
        state[area.kode] = key
    write_atomically(state_file, json.dumps(state, sort_keys=True).encode())


def _posyandu(folder: Path) -> list[dict[str, Any]]:
    """The public records of one kabupaten (its data/posyandu.json)."""
    return json.loads((folder / OPEN_DATA).read_text(encoding="utf-8"))["posyandu"]


def record_page(r: dict[str, Any], kabupaten: str) -> str:
    """The small page a Posyandu is indexed by in its provinsi's search index."""
    e = html.escape
    running = [label for key, label in SPM_FIELDS if r["spm"].get(key, {}).get("berjalan")]
    filters = [("jenis", "Posyandu"), ("kabupaten", kabupaten),
               ("status", r["status_registrasi"])] + [("bidang", b) for b in running]
    where = f"{r['jenis_wilayah'].capitalize()} {r['desa']}"
    return ('<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
            f"<title>{e(r['nama'])}</title></head><body><main data-pagefind-body>"
            f'<h1 data-pagefind-meta="title" data-pagefind-weight="10">{e(r["nama"])}, '
            f"{e(where)}</h1><p>{e(where)}, Kecamatan {e(r['kecamatan'])}, {e(kabupaten)}, "
            f"Provinsi {e(r['provinsi'])}. {e(r['alamat'] or '')}</p>"
            + "".join(f'<span data-pagefind-filter="{n}">{e(v)}</span>' for n, v in filters)
            + "</main></body></html>")
