"""Derive the project's simplified boundary data (data/batas-kukar.json) from GeoJSON polygons.

Usage: python tools/make_boundaries.py ../shared/data > data/batas-kukar.json
       python tools/make_boundaries.py ../shared/data --nasional > data/batas-indonesia.json

Reads batas-kukar-kabupaten.geojson, batas-kukar-kecamatan.geojson and batas-kukar-desa.geojson.gz
(with --nasional: batas-provinsi-indonesia.geojson.gz and batas-kabupaten-indonesia.geojson.gz)
from the given folder (GeoJSON FeatureCollections whose features carry ``properties.kode``) and
writes one JSON file keyed by Kemendagri code, for the maps the generator draws. Each level is
simplified with Douglas-Peucker (shapely, ``preserve_topology=True`` so no ring collapses or
crosses itself) at a tolerance fit for the map that shows it: kecamatan for the kabupaten map,
desa for the kecamatan and locator maps, provinsi for the national map, kabupaten for the
provinsi maps. At national scale islands smaller than a minimum area are left out (a region
keeps at least its largest polygon). Coordinates are rounded to 4 decimals (about 11 m) and
written flat: a geometry is a list of polygons, a polygon a list of rings, a ring
``[lon, lat, lon, lat, ...]``. The output is byte-identical for identical input.

Needs shapely (pip install shapely); the generator itself does not.
"""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from shapely.geometry import MultiPolygon, Polygon, shape

SOURCE = ("cahyadsn/wilayah_boundaries, commit 3c5a7960f4d227a38489094d84252bdbb3f978a5 "
          "(poligon dari Badan Informasi Geospasial, mengikuti Kepmendagri 300.2.2-2430/2025)")
LICENCE = "MIT, Copyright (c) 2024 Cahya DSN"
# Per level: source file, Douglas-Peucker tolerance in degrees (0.001 degrees is about 110 m),
# smallest island kept in square degrees (0.01 is about 120 km2).
KABUPATEN_LEVELS = (("kabupaten", "batas-kukar-kabupaten.geojson", 0.004, 0.0),
                    ("kecamatan", "batas-kukar-kecamatan.geojson", 0.003, 0.0),
                    ("desa", "batas-kukar-desa.geojson.gz", 0.0008, 0.0))
NATIONAL_LEVELS = (("provinsi", "batas-provinsi-indonesia.geojson.gz", 0.02, 0.01),
                   ("kabupaten", "batas-kabupaten-indonesia.geojson.gz", 0.015, 0.005))
DECIMALS = 4
NOTE = ("Disederhanakan (Douglas-Peucker) oleh tools/make_boundaries.py; "
        "cincin [bujur, lintang, ...], 4 desimal.")


def read_features(path: Path) -> list[dict[str, Any]]:
    """The features of a GeoJSON file, gzip-compressed or not."""
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return json.loads(data)["features"]


def flat_ring(coords: Any) -> list[float]:
    """A ring as ``[lon, lat, ...]`` rounded to DECIMALS, repeated points dropped, not closed."""
    out: list[float] = []
    for lon, lat in coords:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if out[-2:] != point:
            out += point
    if out[:2] == out[-2:]:
        out = out[:-2]
    return out


def simplified(geometry: dict[str, Any], tolerance: float,
               min_area: float = 0.0) -> list[list[list[float]]]:
    """A GeoJSON geometry without islands below ``min_area`` (but its largest polygon),
    each polygon simplified, as polygons of flat rings (rings of < 3 points dropped)."""
    geom = shape(geometry)
    polygons = [p for p in (geom.geoms if isinstance(geom, MultiPolygon) else [geom])
                if isinstance(p, Polygon) and p.area > 0]
    largest = max(polygons, key=lambda p: p.area)
    result = []
    for poly in polygons:
        if poly.area < min_area and poly is not largest:
            continue
        for tol in (tolerance, tolerance / 4, 0.0):  # a small polygon keeps detail, not vanishes
            simple = poly.simplify(tol, preserve_topology=True) if tol else poly
            exterior = flat_ring(simple.exterior.coords) if isinstance(simple, Polygon) else []
            if len(exterior) >= 6:
                holes = [flat_ring(r.coords) for r in simple.interiors]
                result.append([exterior] + [h for h in holes if len(h) >= 6])
                break
    return result


def main(folder: str, national: bool) -> None:
    """Print the derived boundary file for the Kukar (or national) files in ``folder``."""
    levels = NATIONAL_LEVELS if national else KABUPATEN_LEVELS
    out: dict[str, Any] = {"sumber": SOURCE, "lisensi": LICENCE, "catatan": NOTE}
    for level, name, tolerance, min_area in levels:
        features = sorted(read_features(Path(folder) / name), key=lambda f: f["properties"]["kode"])
        out[level] = {f["properties"]["kode"]: simplified(f["geometry"], tolerance, min_area)
                      for f in features}
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":"), indent=None)
    # One region per line, so that a change to one region shows as one changed line.
    for level, *_ in levels:
        text = text.replace(f'"{level}":{{"', f'"{level}":{{\n"')
    sys.stdout.write(text.replace(']]],"', ']]],\n"') + "\n")


if __name__ == "__main__":
    main(sys.argv[1], "--nasional" in sys.argv[2:])
