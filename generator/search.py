"""Index the staged site with Pagefind, then make its output byte-identical between runs.

Pagefind (1.5) writes its filter index in hash-map order, so two runs over the same pages give
filter files (and the metadata naming them) with different bytes and names. ``canonicalize``
sorts them and renames them by content.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cbor2

from .children import die_with_parent
from .i18n import _
from .problems import Problems

SIGNATURE = b"pagefind_dcd"


TRAINING_GLOB = "pelatihan/**/*.html"  # a kabupaten's pages that need full-text search


def selector(glob: str | None) -> Callable[[str], bool]:
    """Which site files Pagefind indexes with ``--glob glob`` (every HTML page without one):
    ``**/`` stands for any folders, none included, and ``*`` for part of one name."""
    pattern = re.escape(glob or "**/*.html").replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
    regex = re.compile(pattern)
    return lambda rel: regex.fullmatch(rel) is not None


def start(site: Path, bundle: Path | None = None, glob: str | None = None) -> subprocess.Popen:
    """Start the Pagefind binary over the HTML pages of ``site`` matching ``glob`` (default:
    all), into ``bundle`` (default ``site/pagefind``); the build goes on meanwhile."""
    output = ["--output-path", str(bundle)] if bundle else []
    output += ["--glob", glob] if glob else []
    return subprocess.Popen([sys.executable, "-m", "pagefind", "--site", str(site), "--quiet",
                             *output], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=die_with_parent)


def finish(indexing: subprocess.Popen, site: Path, problems: Problems,
           bundle: Path | None = None) -> None:
    """Wait for Pagefind, then make its output reproducible."""
    bundle = bundle or site / "pagefind"
    out, err = indexing.communicate()
    if indexing.returncode != 0 or not (bundle / "pagefind.js").exists():
        problems.add(str(site), 1, "(search)",
                     _("Pagefind failed to index the site: {error}").format(
                         error=(err or out).strip()[-500:]),
                     _("install it with: {command}").format(command="pip install 'pagefind[bin]'"))
        return
    canonicalize(bundle)


def _read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(SIGNATURE), f"{path} is not a Pagefind file"
    return cbor2.loads(data[len(SIGNATURE):])


def _write(folder: Path, template: str, value: object, digits: int) -> str:
    """Write ``value`` gzip-compressed under a name made from its content; returns the hash."""
    data = gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)
    digest = "id_" + hashlib.sha256(data).hexdigest()[:digits]
    (folder / template.format(digest)).write_bytes(data)
    return digest


def canonicalize(bundle: Path) -> None:
    """Sort the filter index and rename filter and metadata files by their content."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(meta_path)
        filters = []
        for name, digest in meta[3]:
            path = bundle / "filter" / f"{digest}.pf_filter"
            filter_name, values = _read(path)
            path.unlink()
            sorted_values = sorted(values, key=lambda v: v[0])
            filters.append([name, _write(bundle / "filter", "{}.pf_filter",
                                         [filter_name, sorted_values], 7)])
        meta[3] = sorted(filters)
        meta_path.unlink()
        language["hash"] = _write(bundle, "pagefind.{}.pf_meta", meta, 10)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")
