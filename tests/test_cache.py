"""generator.cache: CacheDir names every file of the cache folder and makes every key; entries
and stores survive between builds for the same salt only, and a damaged cache file is rebuilt,
never trusted or fatal."""
from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest
from helpers import ROOT, options
from tiny_registry import ENTRY, TODAY, WILAYAH, registry_file
from training_content import SVG, make_content

from generator import build as build_module
from generator import cache as cache_module
from generator import qr, training
from generator.cache import (
    CacheDir,
    EntryCache,
    PickleStore,
    ShardedStore,
    code_digest,
    write_atomically,
)
from generator.load import parse_yaml
from generator.models import Region
from generator.problems import BuildError, Problems
from generator.qr import QrCache
from generator.registry_file import read_registry
from generator.training import cached_training, load_training
from generator.validate import RegistryValidator, region


def entries(folder: Path | None, source: str, salt: str) -> EntryCache:
    """The entry cache of registry file ``source`` in ``folder``, as a build opens it."""
    return EntryCache(CacheDir(folder).entries(Path(source)), salt)


def test_entry_cache_round_trip_keeps_only_what_the_build_used(tmp_path: Path):
    """A file of the cache that a build read keeps only the entries the build used; a file it
    never read (no entry of the build has a key there) is left as it was."""
    first = entries(tmp_path, "data/posyandu.yaml", "salt")
    used, dropped, elsewhere = "a1" + "0" * 62, "a2" + "0" * 62, "b1" + "0" * 62
    for key in (used, dropped, elsewhere):
        first.put(key, (f"entry {key[:2]}", 0))
    first.save()
    second = entries(tmp_path, "data/posyandu.yaml", "salt")
    assert second.get(used) == ("entry a1", 0)
    second.save()
    third = entries(tmp_path, "data/posyandu.yaml", "salt")
    assert third.get(used) == ("entry a1", 0) and third.get(dropped) is None
    assert third.get(elsewhere) == ("entry b1", 0)
    stem = CacheDir(tmp_path).entries(Path("data/posyandu.yaml"))
    assert stem is not None
    assert sorted(p.name.removeprefix(stem.name) for p in tmp_path.iterdir()) == [
        "-a.pickle", "-b.pickle"]


def test_entry_cache_of_another_salt_or_file_starts_empty(tmp_path: Path):
    cache = entries(tmp_path, "a.yaml", "salt")
    cache.put("k", "v")
    cache.save()
    assert entries(tmp_path, "a.yaml", "new code").get("k") is None
    assert entries(tmp_path, "b.yaml", "salt").get("k") is None
    assert entries(tmp_path, "a.yaml", "salt").get("k") == "v"


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps(["no", "tuple"]),
                                     pickle.dumps(("salt", {"k": "v"}))[:-3]])
def test_a_damaged_entry_cache_is_ignored_and_rewritten(tmp_path: Path, content: bytes):
    stem = CacheDir(tmp_path).entries(Path("a.yaml"))
    assert stem is not None
    stem.with_name(stem.name + "-k.pickle").write_bytes(content)  # the file of key "k"
    damaged = entries(tmp_path, "a.yaml", "salt")
    assert damaged.get("k") is None
    damaged.put("k", "v")
    damaged.save()
    assert entries(tmp_path, "a.yaml", "salt").get("k") == "v"


def test_entry_cache_is_rewritten_only_when_its_keys_change(tmp_path: Path):
    cache = entries(tmp_path, "a.yaml", "salt")
    cache.put("k", "v")
    cache.save()
    stem = CacheDir(tmp_path).entries(Path("a.yaml"))
    assert stem is not None
    path = stem.with_name(stem.name + "-k.pickle")
    written = path.stat().st_ino
    again = entries(tmp_path, "a.yaml", "salt")
    again.get("k")
    again.save()
    assert path.stat().st_ino == written  # write_atomically would give a new file
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_entry_cache_without_a_folder_remembers_nothing(tmp_path: Path):
    cache = entries(None, "a.yaml", "salt")
    cache.put("k", "v")
    cache.save()
    assert list(tmp_path.iterdir()) == [] and entries(None, "a.yaml", "salt").get("k") is None


def test_entry_key_is_the_digest_of_the_text():
    assert EntryCache.key("id: a\n") == EntryCache.key("id: a\n")
    assert EntryCache.key("id: a\n") != EntryCache.key("id: a \n")
    assert len(EntryCache.key("")) == 64


def test_pickle_store_keeps_the_kept_keys_for_its_salt(tmp_path: Path):
    path = tmp_path / "sub" / "links.pickle"
    store = PickleStore(path, "salt")
    store.data.update({"a": 1, "b": 2})
    store.save({"a"})
    assert PickleStore(path, "salt").data == {"a": 1}
    assert PickleStore(path, "other").data == {}
    path.write_bytes(b"\x80garbage")
    assert PickleStore(path, "salt").data == {}
    PickleStore(None, "salt").save({"a"})  # no cache folder: nothing to write


def test_write_atomically_replaces_in_one_step(tmp_path: Path):
    path = tmp_path / "a" / "b.json"
    write_atomically(path, b"1")
    write_atomically(path, b"22")
    assert path.read_bytes() == b"22"
    assert [p.name for p in path.parent.iterdir()] == ["b.json"]  # no temporary file left


def test_code_digest_changes_with_any_module_of_the_code(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("y = 2\n", encoding="utf-8")
    monkeypatch.setattr(cache_module, "_SOURCE", tmp_path)

    def new_process() -> str:  # the digest is read once per process
        code_digest.cache_clear()
        return code_digest()

    try:
        before = new_process()
        (tmp_path / "notes.txt").write_text("not code", encoding="utf-8")
        assert new_process() == before
        (tmp_path / "b.py").write_text("y = 3\n", encoding="utf-8")
        assert code_digest() == before  # this process still runs the code it read
        changed = new_process()
        assert changed != before
        (tmp_path / "national").mkdir()
        (tmp_path / "national" / "top.py").write_text("z = 1\n", encoding="utf-8")
        assert new_process() != changed  # a module of a package is code too
    finally:
        code_digest.cache_clear()  # the digest of the real code again


def test_cache_dir_names_every_file_inside_its_folder(tmp_path: Path):
    cache = CacheDir(tmp_path)
    registry = Path("data/posyandu.yaml")
    paths = [cache.lock(), cache.entries(registry), cache.qr(), cache.links(),
             cache.manifest(tmp_path / "site"), cache.handbook("a" * 64), cache.built(),
             cache.top_files(), cache.provinsi_lookups(), cache.region(), cache.boundaries(),
             *(cache.top() or ())]
    assert all(p is not None and p.parent == tmp_path for p in paths)
    assert len(set(paths)) == len(paths)
    assert cache.entries(registry) == cache.entries(registry.absolute())  # one file, one name
    assert cache.entries(registry) != cache.entries(Path("data/lain.yaml"))
    assert cache.unit("64.02").qr() == tmp_path / "64.02" / "qr"


def test_without_a_cache_folder_there_is_no_file():
    cache = CacheDir(None)
    assert [cache.lock(), cache.entries(Path("a.yaml")), cache.qr(), cache.links(),
            cache.manifest(Path("site")), cache.handbook("k"), cache.built(), cache.top(),
            cache.unit("64.02").qr()] == [None] * 9
    cache.clean()
    cache.forget_handbooks()


def test_cache_keys_separate_their_parts_and_follow_the_code(monkeypatch: pytest.MonkeyPatch):
    cache = CacheDir(None)
    assert cache.key("ab", "c") == cache.key("ab", b"c")
    assert len({cache.key("ab", "c"), cache.key("a", "bc"), cache.key("abc"), cache.key()}) == 4
    before = cache.key("x")
    monkeypatch.setattr(cache_module, "code_digest", lambda: "another version")
    assert cache.key("x") != before


def test_clean_keeps_only_the_lock_and_forget_handbooks_only_handbooks(tmp_path: Path):
    cache = CacheDir(tmp_path)
    for path in (cache.lock(), cache.qr(), cache.handbook("a"), cache.handbook("b"),
                 cache.unit("64.02").built()):
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    cache.forget_handbooks()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "64.02", "qr"]
    cache.clean()
    assert [p.name for p in tmp_path.iterdir()] == [".lock"]


def test_cached_entries_are_not_checked_again_but_still_claim_their_ids(tmp_path: Path):
    """What the cache is for: an unchanged entry is taken as it was (its checks ran when it was
    cached, for the same salt), yet ids stay unique across entries from the cache and files."""
    problems = Problems()
    table = region(parse_yaml(WILAYAH, "wilayah.yaml", problems), "wilayah.yaml", problems, "64.02")
    path = tmp_path / "posyandu.yaml"
    path.write_text(registry_file(ENTRY, ENTRY.replace("-melati\n", "-mawar\n")), encoding="utf-8")
    cold = entries(tmp_path / "cache", str(path), "salt")
    records = read_registry(path, RegistryValidator(table, problems, TODAY), cold)
    cold.save()
    assert not problems and [p.id for p in records] == ["samboja-handil-baru-melati",
                                                        "samboja-handil-baru-mawar"]
    no_desa = Region(table.kode, table.nama, table.provinsi_kode, table.provinsi, (), table.bbox)
    validator = RegistryValidator(no_desa, problems, TODAY)  # would refuse every entry
    assert read_registry(path, validator, entries(tmp_path / "cache", str(path), "salt")) == records
    assert not problems
    copy = tmp_path / "salinan.yaml"
    copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert read_registry(copy, validator, entries(tmp_path / "cache", str(path), "salt")) == []
    assert [str(p).split("\n")[0] for p in problems.sorted()] == [
        f"{copy}:2: posyandu[0].id: duplicate id 'samboja-handil-baru-melati' (also used at "
        f"{path}:2)",
        f"{copy}:12: posyandu[1].id: duplicate id 'samboja-handil-baru-mawar' (also used at "
        f"{path}:12)"]


def test_qr_codes_are_read_and_written_by_the_files_of_the_codes_a_build_draws(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A rebuild that draws one poster reads one file of the QR store and writes none; codes
    drawn by an older version of the generator (another salt) are drawn again."""
    stem = CacheDir(tmp_path).qr()
    texts = [f"https://example.org/posyandu/{i}/" for i in range(40)]
    first = QrCache(stem, "salt")
    drawn = {t: str(first.svg(t, "Kode QR")) for t in (first.code(t, "x").text for t in texts)}
    first.save()
    files = {p.name: p.stat().st_ino for p in tmp_path.iterdir()}
    assert len(files) > 8  # one file per first digit of the codes' keys

    def not_again(text: str) -> list[str]:
        raise AssertionError(f"{text} drawn again")

    monkeypatch.setattr(qr, "modules", not_again)
    second = QrCache(stem, "salt")
    for t in texts:
        second.code(t, "x")
    assert str(second.svg(texts[0], "Kode QR")) == drawn[texts[0]]
    assert len(second.store.shards) == 1
    second.save()
    assert {p.name: p.stat().st_ino for p in tmp_path.iterdir()} == files
    with pytest.raises(AssertionError, match="drawn again"):
        QrCache(stem, "new code").svg(texts[0], "Kode QR")


def test_training_is_read_again_only_when_a_file_of_the_content_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The training modules kept in the cache equal those read afresh; any change below
    content/ (a module, an image) reads them again; training with problems is not kept."""
    content, cache = make_content(tmp_path), CacheDir(tmp_path / "cache")
    fresh = load_training(content, Problems())
    assert fresh and cached_training(content, Problems(), cache) == fresh
    reads: list[Path] = []
    real = training.load_training

    def counted(folder: Path, problems: Problems):
        reads.append(folder)
        return real(folder, problems)

    monkeypatch.setattr(training, "load_training", counted)
    assert cached_training(content, Problems(), cache) == fresh and reads == []
    (content / "modul" / "bagan.svg").write_text(SVG.replace("</svg>", "<g/></svg>"),
                                                 encoding="utf-8")
    assert cached_training(content, Problems(), cache) is not None and len(reads) == 1
    (content / "modul" / "03-salah.md").write_text("tanpa judul\n", encoding="utf-8")
    problems = Problems()
    cached_training(content, problems, cache)
    assert problems and len(reads) == 2
    cached_training(content, Problems(), cache)
    assert len(reads) == 3  # not kept: read (and reported) again


def test_a_sharded_store_of_two_digits_reads_and_writes_only_the_files_of_its_keys(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    stem = tmp_path / "links"
    keys = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(40)]
    first = ShardedStore(stem, "salt", digits=2)
    for i, key in enumerate(keys):
        first.put(key, i)
    first.save(set(keys))
    files = {path.name: path.stat().st_ino for path in tmp_path.iterdir()}
    assert set(files) == {f"links-{key[:2]}.pickle" for key in keys}
    read: list[str] = []
    real = cache_module.read_pickle
    monkeypatch.setattr(cache_module, "read_pickle", lambda path, salt: read.append(path.name) or real(
        path, salt))
    second = ShardedStore(stem, "salt", digits=2)
    assert second.get(keys[3]) == 3 and read == [f"links-{keys[3][:2]}.pickle"]
    new = next(f"{d:02x}" for d in range(256) if f"{d:02x}" not in {k[:2] for k in keys}) + "0" * 62
    second.put(new, "baru")
    second.save(set(keys[1:]) | {new})
    assert {path.name: path.stat().st_ino for path in tmp_path.iterdir() if path.name in files
            } == files  # a shard whose keys did not change is not written again
    assert ShardedStore(stem, "salt", digits=2).get(new) == "baru"
    assert ShardedStore(stem, "other salt", digits=2).get(keys[3]) is None
    ShardedStore(None, "salt", digits=2).save({"a"})  # no cache folder: nothing to write


def test_the_region_and_boundaries_are_read_again_only_when_their_files_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A build with a cache reads and checks the region table and the boundary file once;
    a change to the boundary file reads it again, one to the region table both (the
    boundaries are checked against it); a file with problems is reported by every build."""
    project = tmp_path / "project"
    for name in ("config.yaml", "data/wilayah.yaml", "data/batas-kukar.json",
                 "data/posyandu.yaml"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_bytes((ROOT / name).read_bytes())
    opts = options(tmp_path / "site", config=project / "config.yaml", content=None,
                   data=(project / "data" / "posyandu.yaml",), cache=tmp_path / "cache")
    reads: list[str] = []
    for owner, name in ((build_module.validate, "region"), (build_module, "load_boundaries")):
        real = getattr(owner, name)
        monkeypatch.setattr(owner, name, lambda *a, real=real, name=name: reads.append(name)
                            or real(*a))
    first = build_module.load(opts)
    assert first.boundaries and reads == ["region", "load_boundaries"]
    second = build_module.load(opts)
    assert (second.registry.region, second.boundaries) == (first.registry.region,
                                                          first.boundaries)
    assert len(reads) == 2
    batas = project / "data" / "batas-kukar.json"
    batas.write_text(batas.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = build_module.load(opts).boundaries
    assert again and again.desa == first.boundaries.desa
    assert reads[2:] == ["load_boundaries"]
    wilayah = project / "data" / "wilayah.yaml"
    wilayah.write_text(wilayah.read_text(encoding="utf-8") + "# lagi\n", encoding="utf-8")
    build_module.load(opts)
    assert reads[3:] == ["region", "load_boundaries"]
    batas.write_text(batas.read_text(encoding="utf-8").replace('"64.02.13"', '"64.02.99"', 1),
                     encoding="utf-8")
    for _ in range(2):  # not kept: read and reported again
        with pytest.raises(BuildError) as failed:
            build_module.load(opts)
        assert any("64.02.99" in str(p) for p in failed.value.problems.items)
    assert reads[5:] == ["load_boundaries"] * 2
