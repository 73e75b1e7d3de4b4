"""Where every page of a site lives: one definition of each URL, relative to the site's root.

Page URLs end in "/" (the page is ``<url>index.html``); the names are Indonesian, as the site's
readers see them. The files of the open data are named in ``datadict.FILES``.
"""
from __future__ import annotations

from .models import Desa, Kecamatan, Posyandu, Region
from .slugs import code_slug

HOME = ""
SPM = "spm/"
FINDER = "cari/"  # the directory's instant finder (finder.py)
OPEN_DATA = "data-terbuka/"
QUALITY = "kualitas/"
NOT_FOUND = "404.html"
TRAINING = "pelatihan/"
TRAINING_SEARCH = TRAINING + "cari/"
GLOSSARY = TRAINING + "istilah/"
RESULTS = TRAINING + "hasil-belajar/"
HANDBOOK = TRAINING + "cetak/"
HANDBOOK_PDF = TRAINING + "buku-pegangan-pelatihan.pdf"
MEDIA_FOLDER = "media"  # images of the modules: pelatihan/media/<name>
MEDIA = TRAINING + MEDIA_FOLDER + "/"


def output(url: str) -> str:
    """The file of the page at ``url``, relative to the site root."""
    return url if not url.endswith("/") and url else url + "index.html"


def root(url: str) -> str:
    """The relative path from the page at ``url`` back to the site root."""
    return "../" * output(url).count("/")


def kecamatan(k: Kecamatan) -> str:
    """A kecamatan page."""
    return f"kecamatan/{code_slug(k.nama, k.kode)}/"


def visit_order(k: Kecamatan) -> str:
    """A kecamatan's printable order of coaching visits."""
    return kecamatan(k) + "urutan-kunjungan/"


def desa(d: Desa) -> str:
    """A desa/kelurahan page."""
    return f"desa/{code_slug(d.nama, d.kode)}/"


def posyandu(p: Posyandu) -> str:
    """A Posyandu profile (its id is a stable ASCII slug)."""
    return f"posyandu/{p.id}/"


def poster(p: Posyandu) -> str:
    return posyandu(p) + "poster/"


def visit_sheet(p: Posyandu) -> str:
    return posyandu(p) + "kunjungan/"


def module(slug: str) -> str:
    """A training module, or a test of the training (``tes-awal``)."""
    return f"{TRAINING}{slug}/"


def provinsi(nama: str, kode: str) -> str:
    """A provinsi page of a national site, e.g. "kalimantan-timur-64/"."""
    return f"{code_slug(nama, kode)}/"


def kabupaten(region: Region) -> str:
    """Where a kabupaten's site lives in a national site, e.g. "kalimantan-timur-64/
    kutai-kartanegara-6402/" (names for people, codes so that no two folders collide)."""
    return provinsi(region.provinsi, region.provinsi_kode) + code_slug(region.nama, region.kode) + "/"
