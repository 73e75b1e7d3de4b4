"""The open data of the sample registry (GeoJSON, HSDS, Atom, the licence, the Data Package and
the DCAT catalogue): complete, valid, stable and escaped."""
from __future__ import annotations

import copy
import csv as csvmod
import dataclasses
import datetime as dt
import io
import json
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import frictionless
import jsonschema
import pytest
import referencing
import yaml
from helpers import ROOT, scalars
from referencing.jsonschema import DRAFT4, DRAFT202012

from generator import validate
from generator.build import Options, load
from generator.calendar import ANCHOR, occurrences, rrule
from generator.models import DEFAULT_LICENSE, Registry, SpmService
from generator.opendata import FEED_LIMIT, atom, catalog, data_package, exports, geojson
from generator.opendata.datadict import CATALOG, CSV, CSV_FIELDS, DATA_PACKAGE, FILES
from generator.opendata.hsds import NAMESPACE as HSDS_NAMESPACE
from generator.opendata.hsds import files as hsds
from generator.opendata.records import records, summary, to_json
from generator.opendata.records import to_csv as export_csv
from generator.problems import Problems
from generator.registry_file import read_registry
from generator.urls import posyandu as posyandu_url

SCHEMAS = ROOT / "tests" / "schemas" / "hsds-3.2"
A = "{http://www.w3.org/2005/Atom}"
HOSTILE = 'Posyandu "A, B; C\\D" & </script><script>alert(1)</script>\nbaris ]]> \x01é'


def _load(tmp: Path) -> Registry:
    """The sample registry (an empty content folder: modules are not needed here)."""
    return load(Options(config=ROOT / "config.yaml", data=(ROOT / "data" / "posyandu.yaml",),
                        content=tmp / "no-content", templates=ROOT / "templates", out=tmp / "site",
                        cache=None)).registry


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    return _load(tmp_path_factory.mktemp("opendata"))


@pytest.fixture(scope="module")
def export(registry: Registry) -> dict[str, list[dict]]:
    """The HSDS files, parsed."""
    return {name: json.loads(text) for name, text in hsds(registry).items()}


@pytest.fixture(scope="module")
def validators() -> dict[str, jsonschema.protocols.Validator]:
    """Validators of the saved HSDS schemas; $ref resolved among the saved files only."""
    schemas = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    resources = [referencing.Resource.from_contents(s, default_specification=DRAFT202012)
                 for s in schemas.values()]
    store = referencing.Registry().with_resources((r.id(), r) for r in resources)
    return {name: jsonschema.Draft202012Validator(
                schemas[name], registry=store,
                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
            for name in ("organization", "location", "service")}


def _errors(validator, instance) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def _uuid(registry: Registry, *parts: str) -> str:
    return str(uuid.uuid5(HSDS_NAMESPACE, "/".join((registry.settings.kabupaten, *parts))))


# GeoJSON

def test_geojson_has_every_posyandu_with_coordinates_exactly_once(registry: Registry):
    doc = json.loads(geojson(registry))
    assert doc["type"] == "FeatureCollection" and doc["data_contoh"] is True
    ids = [f["id"] for f in doc["features"]]
    located = {p.id: p for p in registry.posyandu if p.lat is not None}
    assert len(ids) == len(set(ids)) == len(located) > 500
    assert set(ids) == set(located)
    expected = {r["id"]: r for r in records(registry)}
    for f in doc["features"]:
        p = located[f["id"]]
        assert f["type"] == "Feature"
        assert f["geometry"] == {"type": "Point", "coordinates": [p.lon, p.lat]}
        record = {k: v for k, v in expected[p.id].items() if k not in ("lat", "lon")}
        assert f["properties"] == {"data_contoh": True, **record}
    assert ids == [r["id"] for r in records(registry) if r["lat"] is not None]


# HSDS

def test_hsds_validates_against_the_saved_schemas(export, validators):
    for name, kind in (("organizations.json", "organization"), ("locations.json", "location"),
                       ("services.json", "service")):
        for item in export[name]:
            assert _errors(validators[kind], item) == [], (name, item["id"])


def test_the_validators_apply_the_referenced_schemas(export, validators):
    service = copy.deepcopy(export["services.json"][0])
    service["service_at_locations"][0]["schedules"][0]["freq"] = "DAILY"
    assert any("DAILY" in e for e in _errors(validators["service"], service))
    location = copy.deepcopy(export["locations.json"][0])
    del location["addresses"][0]["postal_code"]
    assert any("postal_code" in e for e in _errors(validators["location"], location))
    organization = copy.deepcopy(export["organizations.json"][0])
    organization["phones"][0]["id"] = "bukan-uuid"
    assert _errors(validators["organization"], organization)


def test_hsds_has_one_organization_location_and_service_per_running_field(registry, export):
    orgs = {o["id"]: o for o in export["organizations.json"]}
    locations = {loc["id"]: loc for loc in export["locations.json"]}
    services = export["services.json"]
    assert len(orgs) == len(locations) == len(registry.posyandu)
    assert len(services) == sum(len(p.spm_running) for p in registry.posyandu) > 2000
    by_org: dict[str, list[dict]] = {}
    for s in services:
        by_org.setdefault(s["organization_id"], []).append(s)
    for p in registry.posyandu:
        org_id = _uuid(registry, p.id)
        assert orgs[org_id]["name"] == p.nama
        assert orgs[org_id]["website"] == registry.settings.base_url + posyandu_url(p)
        running = by_org.get(org_id, [])
        assert [s["name"] for s in running] == [s.label for s in p.spm_running]
        for service, field in zip(running, p.spm_running, strict=True):
            assert all(k in service["description"] for k in field.kegiatan)
            modified = dt.datetime.fromisoformat(service["last_modified"])
            assert modified.date() == p.diperbarui
            assert modified.utcoffset() == dt.timedelta(hours=8)
            (sal,) = service["service_at_locations"]
            assert sal["location_id"] in locations
            assert locations[sal["location_id"]]["organization_id"] == org_id


def test_hsds_location_address_and_phone(registry, export):
    locations = {loc["organization_id"]: loc for loc in export["locations.json"]}
    orgs = {o["id"]: o for o in export["organizations.json"]}
    for p in registry.posyandu:
        org_id = _uuid(registry, p.id)
        loc = locations[org_id]
        assert (loc.get("latitude"), loc.get("longitude")) == (p.lat, p.lon)
        (address,) = loc["addresses"]
        assert address["address_1"] == (p.alamat or p.desa.label)
        assert address["country"] == "ID" and address["state_province"] == "Kalimantan Timur"
        phones = [ph["number"] for ph in orgs[org_id].get("phones", [])]
        assert phones == ([p.telepon] if p.telepon else [])
        assert orgs[org_id].get("email") == p.email


def test_hsds_schedule_matches_the_rrule(registry, export):
    schedules = {s["organization_id"]: s["service_at_locations"][0]["schedules"][0]
                 for s in export["services.json"]}
    checked = 0
    for p in registry.posyandu:
        sched = schedules.get(_uuid(registry, p.id))
        if sched is None:
            continue
        parts = dict(part.split("=") for part in rrule(p.jadwal).split(";"))
        assert sched["freq"] == parts["FREQ"]
        assert sched.get("byday") == parts.get("BYDAY")
        assert sched.get("bymonthday") == parts.get("BYMONTHDAY")
        assert sched["opens_at"] == p.jadwal.jam_mulai.replace(".", ":") + "+08:00"
        assert sched["closes_at"] == p.jadwal.jam_selesai.replace(".", ":") + "+08:00"
        assert sched["timezone"] == 8
        assert sched["dtstart"] == occurrences(p.jadwal, ANCHOR, 1)[0].isoformat()
        checked += 1
    assert checked > 800


def test_hsds_ids_are_unique_uuids_independent_of_the_base_url(registry, export):
    ids = []

    def collect(value):
        if isinstance(value, dict):
            ids.extend(v for k, v in value.items() if k == "id")
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    collect(export)
    assert len(ids) == len(set(ids))
    assert all(str(uuid.UUID(i)) == i for i in ids)
    moved = Registry(dataclasses.replace(registry.settings, base_url="https://x.github.io/repo/"),
                     registry.region, registry.posyandu)
    elsewhere = {name: json.loads(text) for name, text in hsds(moved).items()}
    assert ([s["id"] for s in elsewhere["services.json"]]
            == [s["id"] for s in export["services.json"]])
    assert elsewhere["services.json"][0]["url"].startswith("https://x.github.io/repo/posyandu/")


# Atom

def test_atom_feed_is_well_formed_complete_and_sorted(registry: Registry):
    text = atom(registry)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    feed = ET.fromstring(text)
    assert feed.tag == A + "feed"
    for tag in ("id", "title", "updated", "author/" + A + "name"):
        assert (feed.findtext(A + tag) or "").strip(), tag
    newest = max(p.diperbarui for p in registry.posyandu)
    assert feed.findtext(A + "updated") == f"{newest.isoformat()}T00:00:00+08:00"
    assert feed.find(A + "link[@rel='self']").get("href") == registry.settings.base_url + "feed.xml"
    entries = feed.findall(A + "entry")
    assert len(entries) == FEED_LIMIT
    by_url = {registry.settings.base_url + posyandu_url(p): p for p in registry.posyandu}
    updated = [e.findtext(A + "updated") for e in entries]
    assert updated == sorted(updated, reverse=True) and updated[0] == feed.findtext(A + "updated")
    for e in entries:
        p = by_url[e.findtext(A + "id")]
        assert e.findtext(A + "title") == f"{p.nama} ({p.desa.nama}) diperbarui"
        assert e.find(A + "link[@rel='alternate']").get("href") == e.findtext(A + "id")
        assert e.findtext(A + "updated").startswith(p.diperbarui.isoformat())
    shown = {e.findtext(A + "id") for e in entries}
    left_out = [p.diperbarui for url, p in by_url.items() if url not in shown]
    assert max(left_out).isoformat() <= min(updated)[:10]


# All outputs

def test_everything_is_identical_between_runs(registry: Registry, tmp_path: Path):
    again = _load(tmp_path)
    assert geojson(again) == geojson(registry)
    assert hsds(again) == hsds(registry)
    assert atom(again) == atom(registry)


def test_hostile_strings_are_escaped(registry: Registry):
    p = next(p for p in registry.posyandu if p.lat is not None)
    bad = dataclasses.replace(p, nama=HOSTILE, alamat=HOSTILE, email=None,
                              spm=(SpmService("kesehatan", True, (HOSTILE,)),),
                              diperbarui=max(q.diperbarui for q in registry.posyandu))
    reg = Registry(registry.settings, registry.region, [bad])
    (feature,) = json.loads(geojson(reg))["features"]
    assert feature["properties"]["nama"] == HOSTILE
    files = {name: json.loads(text) for name, text in hsds(reg).items()}
    assert files["organizations.json"][0]["name"] == HOSTILE
    assert files["locations.json"][0]["addresses"][0]["address_1"] == HOSTILE
    assert HOSTILE in files["services.json"][0]["description"]
    text = atom(reg)
    assert "<script>" not in text and "\x01" not in text
    entry = ET.fromstring(text).find(A + "entry")
    title = HOSTILE.replace("\x01", "") + f" ({p.desa.nama}) diperbarui"
    assert entry.findtext(A + "title") == title


def test_no_private_value_in_any_export(registry: Registry):
    entries = yaml.safe_load((ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8"))
    private = {s for e in entries["posyandu"] for s in scalars(e.get("privat", {}))}
    assert len(private) > 1000
    values = {s for text in (geojson(registry), *hsds(registry).values())
              for s in scalars(json.loads(text))}
    values |= {s for el in ET.fromstring(atom(registry)).iter()
               for s in (el.text or "", *el.attrib.values())}
    blob = "\0".join(sorted(values))  # every value once, decoded: a fast, exact search
    assert [v for v in private if v in blob] == []
    assert all(p.nama in blob and p.desa.nama in blob for p in registry.posyandu)


# Licence, Data Package and DCAT catalogue

DCAT_SCHEMAS = ROOT / "tests" / "schemas" / "dcat-us-1.1"
DCAT_BASE = "https://project-open-data.cio.gov/v1.1/schema/"


def test_every_json_export_and_the_feed_state_the_licence(registry: Registry):
    lic = registry.settings.lisensi
    stated = {"kode": lic.kode, "nama": lic.nama, "url": lic.url}
    newest = max(p.diperbarui for p in registry.posyandu).isoformat()
    for text in (to_json(registry), geojson(registry)):
        doc = json.loads(text)
        assert doc["lisensi"] == stated and doc["diperbarui"] == newest
    assert json.loads(summary(registry))["lisensi"] == stated
    rights = ET.fromstring(atom(registry)).findtext(A + "rights")
    assert rights == f"Data berlisensi {lic.nama}: {lic.url}"
    package = json.loads(data_package(registry))
    assert package["licenses"] == [{"name": lic.kode, "path": lic.url, "title": lic.nama}]
    assert json.loads(catalog(registry))["dataset"][0]["license"] == lic.url


def test_every_page_footer_states_the_licence(sample_pages):
    lic = DEFAULT_LICENSE
    assert len(sample_pages) > 1000
    for path, page in sample_pages.items():
        footer = page.find("footer")
        link = footer.find("a", rel="license")
        assert link is not None and link["href"] == lic.url and link.get_text() == lic.nama, path


def _package_folder(registry: Registry, tmp: Path, csv_text: str | None = None) -> Path:
    """data/ as the build writes it: the package and the files it describes."""
    for _rels, make in exports(registry):
        for rel, data in make().items():
            if rel.startswith("data/"):
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                (tmp / rel).write_bytes(data if isinstance(data, bytes) else data.encode())
    if csv_text is not None:
        (tmp / CSV).write_text(csv_text, encoding="utf-8")
    return tmp / DATA_PACKAGE


def test_the_data_package_validates_with_frictionless(registry: Registry, tmp_path: Path):
    report = frictionless.validate(str(_package_folder(registry, tmp_path)))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]
    tasks = {t.name: t for t in report.tasks}
    assert tasks["posyandu-csv"].stats["rows"] == len(registry.posyandu)
    package = json.loads((tmp_path / DATA_PACKAGE).read_text(encoding="utf-8"))
    paths = {r["path"] for r in package["resources"]}
    assert paths == {f.path.removeprefix("data/") for f in FILES
                     if f.path.startswith("data/") and f.path not in (DATA_PACKAGE, CATALOG)}
    schema = next(r for r in package["resources"] if r["path"] == "posyandu.csv")["schema"]
    header = (tmp_path / CSV).read_text(encoding="utf-8").split("\n")[0].split(",")
    assert [f["name"] for f in schema["fields"]] == header == [f.name for f in CSV_FIELDS]


def test_the_table_schema_catches_a_wrong_cell(registry: Registry, tmp_path: Path):
    rows = export_csv(registry).decode().split("\n")
    rows[1] = rows[1].replace(",belum terdaftar,", ",belum daftar,", 1)
    rows[2] = rows[2].replace(",ya,", ",mungkin,", 1)
    report = frictionless.validate(str(_package_folder(registry, tmp_path, "\n".join(rows))))
    errors = report.flatten(["rowNumber", "fieldName", "type"])
    assert [2, "status_registrasi", "constraint-error"] in errors
    assert any(e[0] == 3 and e[2] == "type-error" for e in errors), errors


def test_csv_numbers_are_not_quoted_as_formulas(registry: Registry):
    rows = list(csvmod.DictReader(io.StringIO(export_csv(registry).decode())))
    lats = [float(r["lat"]) for r in rows if r["lat"]]  # a quoted number would not parse
    assert len(lats) > 500 and min(lats) < 0  # most of Kukar lies south of the equator


@pytest.fixture(scope="module")
def dcat_validator() -> jsonschema.Draft4Validator:
    """The saved DCAT-US 1.1 schemas; each file registered under its published address."""
    store = referencing.Registry()
    for path in DCAT_SCHEMAS.glob("*.json"):
        resource = referencing.Resource.from_contents(
            json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT4)
        store = store.with_resource(DCAT_BASE + path.name, resource)
    schema = json.loads((DCAT_SCHEMAS / "catalog.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, registry=store,
                                      format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def test_the_catalogue_validates_against_dcat_us(registry: Registry, dcat_validator):
    doc = json.loads(catalog(registry))
    assert _errors(dcat_validator, doc) == []
    (dataset,) = doc["dataset"]
    base = registry.settings.base_url
    assert [d["downloadURL"] for d in dataset["distribution"]] == [
        base + f.path for f in FILES if f.path != CATALOG]
    assert dataset["contactPoint"]["hasEmail"] == "mailto:dpmd.posyandu@example.go.id"
    assert "DATA CONTOH" in dataset["description"] and "data contoh" in dataset["keyword"]
    assert dataset["modified"] == max(p.diperbarui for p in registry.posyandu).isoformat()


def test_the_dcat_schema_is_applied_through_its_references(registry: Registry, dcat_validator):
    doc = json.loads(catalog(registry))
    broken = copy.deepcopy(doc)
    del broken["dataset"][0]["publisher"]["name"]  # organization.json
    broken["dataset"][0]["contactPoint"]["hasEmail"] = "dpmd@example.go.id"  # vcard: mailto:
    broken["dataset"][0]["distribution"][0]["mediaType"] = "csv"  # distribution.json
    errors = _errors(dcat_validator, broken)
    assert len(errors) == 3, errors


def test_the_open_data_page_describes_every_file_and_column(sample_site: Path, sample_pages):
    page = sample_pages["data-terbuka/index.html"]
    files = [a["href"] for a in page.select("#berkas ~ div table tbody th a")]
    assert files == ["../" + f.path for f in FILES]
    assert all((sample_site / f.path).is_file() for f in FILES)
    columns = [c.get_text() for c in page.select("#kolom ~ div table tbody th code")]
    assert columns == [f.name for f in CSV_FIELDS]
    text = page.get_text(" ")
    assert DEFAULT_LICENSE.nama in text and "13 November 2026" in text
    assert page.find("a", rel="license", href=DEFAULT_LICENSE.url)


def test_a_kota_is_named_as_a_kota_everywhere(tmp_path: Path):
    """A kota's region table names it "Kota X": no export, feed or message says "Kabupaten Kota"."""
    registry = _load(tmp_path)
    registry.region = dataclasses.replace(registry.region, nama="Kota Contoh")
    texts = b"".join(hsds(registry).values()).decode()
    assert "Kota Contoh" in texts and "Kabupaten Kota" not in texts
    problems = Problems()
    checker = validate.RegistryValidator(registry.region, problems, dt.date(2026, 12, 1))
    entry = tmp_path / "posyandu.yaml"
    entry.write_text("posyandu:\n  - id: jauh\n    nama: Posyandu Jauh\n"
                     '    kode_wilayah: "64.02.13.1012"\n    koordinat: {lat: 3.5, lon: 100.1}\n'
                     "    registrasi: {status: belum terdaftar}\n    spm: {}\n"
                     "    diperbarui: 2026-01-02\n", encoding="utf-8")
    list(read_registry(entry, checker))
    messages = [str(p) for p in problems.sorted()]
    assert any("lies outside Kota Contoh" in m for m in messages), messages
    assert not any("Kabupaten Kota" in m for m in messages)
