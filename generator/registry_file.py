"""Reading one registry file: entry by entry where its layout allows, so that an entry whose
text did not change since the last build comes from the cache, and each entry read fast
(``load.parse_fast``) unless that could differ from the precise reader.

An entry read fast that has problems is read again with the precise reader and checked
again, so that every problem names its exact line; a file whose entries cannot be told apart,
or one with a syntax error, is read whole by the precise reader.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from .cache import EntryCache
from .fields import Fields
from .i18n import _
from .load import YamlMap, line_of, parse_entry, parse_yaml, read_text, split_entries
from .models import Posyandu
from .pool import workers
from .problems import Problem, Problems
from .validate import RegistryValidator

# Entries not in the cache are parsed by worker processes from this many on (fewer cost less
# here than starting the workers and sending the results back), in tasks of PARSE_CHUNK.
PARALLEL_PARSE = 2000
PARSE_CHUNK = 500


def read_registry(path: Path, checker: RegistryValidator,
                  cache: EntryCache | None = None, jobs: int = 1) -> list[Posyandu]:
    """The valid Posyandu of one registry file, its entries parsed by ``jobs`` processes;
    problems go to ``checker.problems``."""
    shown = str(path)
    if path.is_dir() and path.suffix != ".yaml" and not any(path.rglob("*.yaml")):
        checker.problems.add(shown, 1, "(file)",
                             _("is a folder without any registry file (*.yaml)"),
                             _("put the registry's .yaml files in it, or give the registry file"))
        return []
    text = read_text(path, checker.problems, shown)
    if text is None:
        return []
    return registry_text(text, shown, checker, cache, jobs=jobs)


def registry_text(text: str, shown: str, checker: RegistryValidator,
                  cache: EntryCache | None = None, items: list[Any] | None = None,
                  jobs: int = 1) -> list[Posyandu]:
    """The valid Posyandu of the registry ``text`` (of the file ``shown``); ``items``, when
    given, gains every entry as read (plain mappings; those not from ``cache``), valid or not."""
    chunks = split_entries(text, "posyandu")
    if chunks is not None:
        result = _entries(chunks, shown, checker, cache, items, jobs)
        if result is not None:
            return result
    data = parse_yaml(text, shown, checker.problems)
    if items is not None and isinstance(data, dict) and isinstance(data.get("posyandu"), list):
        items += data["posyandu"]
    return checker.file(data, shown)


def _entries(chunks: list[tuple[int, str]], path: str, checker: RegistryValidator,
             cache: EntryCache | None, items: list[Any] | None,
             jobs: int) -> list[Posyandu] | None:
    """Validate entries parsed one by one; None if one is not even YAML (then the whole
    file is parsed, so that the syntax error is reported as for any other file)."""
    keys = [EntryCache.key(text) for _, text in chunks]
    hits = [cache.get(key) if cache else None for key in keys]
    missing = [(i, *chunks[i]) for i, hit in enumerate(hits) if hit is None]
    local = Problems()
    for i, (hit, problems) in zip((m[0] for m in missing), _parsed(missing, path, jobs),
                                  strict=True):
        local.items += problems
        if not isinstance(hit, YamlMap) or any(
                p.field in ("(syntax)", "(indentation)") for p in problems):
            return None
        hits[i] = hit
    parsed: list[tuple[int, str, Any, str]] = [
        (start, key, hit, text) for (start, text), key, hit in zip(chunks, keys, hits, strict=True)]
    checker.problems.extend(local)
    result = []
    for i, (start, key, item, text) in enumerate(parsed):
        if isinstance(item, tuple):  # from the cache: (entry, line of its id - first line)
            posyandu, offset = item
            if checker.claim(posyandu.id, path, start + offset, f"posyandu[{i}].id"):
                result.append(posyandu)
            continue
        posyandu, item = _checked(item, path, i, start, text, checker)
        if items is not None:
            items.append(item)
        if posyandu:
            result.append(posyandu)
            if cache:
                cache.put(key, (posyandu, line_of(item, "id") - start))
    return result


def _parsed(missing: list[tuple[int, int, str]], path: str, jobs: int
            ) -> list[tuple[Any, list[Problem]]]:
    """Each entry of ``missing`` (its index, first line and text) parsed, with its problems:
    by ``jobs`` worker processes when there are many."""
    if jobs < 2 or len(missing) < PARALLEL_PARSE:
        return _parse_many(path, missing)
    tasks = [missing[i:i + PARSE_CHUNK] for i in range(0, len(missing), PARSE_CHUNK)]
    with workers(jobs) as pool:
        return [r for done in pool.map(functools.partial(_parse_many, path), tasks) for r in done]


def _parse_many(path: str, entries: list[tuple[int, int, str]]
                ) -> list[tuple[Any, list[Problem]]]:
    """``_parsed`` in one process."""
    result = []
    for i, start, text in entries:
        problems = Problems()
        result.append((parse_entry(text, start, path, problems, i), problems.items))
    return result


def _checked(item: YamlMap, path: str, i: int, start: int, text: str,
             checker: RegistryValidator) -> tuple[Posyandu | None, YamlMap]:
    """Validate one entry; one read by parse_fast that has problems is read again with
    parse_yaml and validated again."""
    where = f"posyandu[{i}]"
    if item.exact:
        return checker.entry(Fields(item, path, where, checker.problems, start)), item
    mark, pid = len(checker.problems.items), item.get("id")
    new_id = pid if isinstance(pid, str) and pid not in checker.ids else None
    posyandu = checker.entry(Fields(item, path, where, checker.problems, start))
    if len(checker.problems.items) == mark:
        return posyandu, item
    checker.retract(mark, new_id)
    exact = parse_yaml(text, path, checker.problems, first_line=start, where=where)
    return checker.entry(Fields(exact, path, where, checker.problems, start)), exact
