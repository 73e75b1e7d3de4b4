"""Training modules and the glossary: read Markdown with YAML front matter, validate, convert."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup

from . import svg
from .cache import CacheDir, kept
from .curriculum import (
    CURRICULUM_FIELDS,
    TESTS,
    Curriculum,
    Exercise,
    Jpl,
    Question,
    read_curriculum,
    read_exercises,
)
from .fields import Fields, suggest
from .i18n import _
from .load import line_of, parse_yaml, read_text
from .markup import Converted, convert
from .problems import Problems
from .slugs import slugify
from .urls import MEDIA_FOLDER

AUDIENCES = {"kabupaten": "Tim Pembina Posyandu Kabupaten",
             "kecamatan": "Tim Pembina Posyandu Kecamatan",
             "desa": "Tim Pembina Posyandu Desa/Kelurahan"}
MODULE_FIELDS = ("judul", "urutan", "sasaran", "latihan", *CURRICULUM_FIELDS)
MODULE_NAME = re.compile(r"(?:\d+-)?([a-z0-9]+(?:-[a-z0-9]+)*)\.md")
GLOSSARY = "istilah.md"
MODULE_FOLDER = "modul"  # content/modul/*.md: the modules
IMAGE_TYPES = {".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif"}
RESERVED = ("istilah", "cetak", "hasil-belajar", MEDIA_FOLDER, *(t.key for t in TESTS))  # other pages


@dataclass(frozen=True)
class Module:
    """A training module: a lesson for Tim Pembina Posyandu."""

    file: str
    slug: str
    judul: str
    urutan: int
    sasaran: tuple[str, ...]
    kurikulum: Curriculum
    latihan: tuple[Exercise, ...]
    html: Markup
    toc: tuple[tuple[int, str, str], ...]

    @property
    def durasi_jpl(self) -> int:
        """The module's length in JPL (teori + penugasan + praktik lapangan)."""
        return self.kurikulum.jpl.total

    def quiz_items(self, base: str) -> tuple[tuple[Question, str], ...]:
        """The self-check items, each with the link (``base`` + heading id) that explains it."""
        return tuple((q, base + q.bagian) for q in self.kurikulum.swauji)


@dataclass(frozen=True)
class Term:
    """A glossary entry."""

    istilah: str
    anchor: str
    arti: str


@dataclass(frozen=True)
class Glossary:
    """The glossary page."""

    judul: str
    terms: tuple[Term, ...]
    html: Markup


@dataclass
class Training:
    """Everything in content/."""

    modules: list[Module]
    glossary: Glossary | None
    images: dict[str, Path]  # published name -> source file

    @property
    def total_jpl(self) -> int:
        """Total duration of the curriculum in JPL."""
        return sum(m.durasi_jpl for m in self.modules)

    @property
    def jpl(self) -> Jpl:
        """Teori, penugasan and praktik lapangan of the whole curriculum."""
        parts = [m.kurikulum.jpl for m in self.modules]
        return Jpl(sum(j.t for j in parts), sum(j.p for j in parts), sum(j.pl for j in parts))

    def modules_for(self, audience: str) -> list[Module]:
        """The modules meant for one level of Tim Pembina."""
        return [m for m in self.modules if audience in m.sasaran]

    def test_items(self, base: str) -> tuple[tuple[Question, str], ...]:
        """Every module's self-check items: the pre- and post-test of the whole curriculum."""
        return tuple(item for m in self.modules for item in m.quiz_items(f"{base}{m.slug}/#"))


@dataclass
class _Source:
    path: Path
    shown: str
    front: Fields
    body: str
    body_line: int


def _split(path: Path, shown: str, problems: Problems) -> _Source | None:
    """Split a Markdown file into front matter (parsed) and body."""
    text = read_text(path, problems, shown)
    if text is None:
        return None
    match = re.match(r"---\n(.*?\n)?---\n", text, re.DOTALL)
    if not match:
        problems.add(shown, 1, "(front matter)",
                     _("the file does not start with front matter"),
                     _("start the file with a line '---', the fields (judul: ..., urutan: ...), "
                       "and another line '---'"))
        return None
    data = parse_yaml(match.group(1) or "", shown, problems, first_line=2)
    body_line = text[: match.end()].count("\n") + 1
    return _Source(path, shown, Fields(data, shown, "", problems), text[match.end():], body_line)


def _line_of_link(source: _Source, target: str) -> int:
    """The line of the body where ``target`` is linked (the body's first line if not found)."""
    for number, line in enumerate(source.body.split("\n"), start=source.body_line):
        if f"]({target}" in line or f"]: {target}" in line:
            return number
    return source.body_line


class _Resolver:
    """Maps links written in content to site URLs, recording what must exist."""

    def __init__(self, content: Path, module_dir: Path, module_files: dict[str, str]) -> None:
        self.content, self.module_dir, self.module_files = content, module_dir, module_files
        self.pending: list[tuple[_Source, str, str, str]] = []  # source, written, file, anchor
        self.anchors: dict[str, set[str]] = {}  # file name -> ids of its headings or terms
        self.orders: dict[int, str] = {}  # urutan -> file that has it
        self.images: dict[str, Path] = {}
        self.refused: set[str] = set()  # files refused unread: links to them are not checked
        self.source: _Source | None = None
        self.problems: Problems | None = None

    def rewrite(self, target: str) -> str:
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or target.startswith("#"):
            return target
        name = parts.path
        if name.endswith(".md"):
            self.pending.append((self.source, target, name, parts.fragment))  # type: ignore[arg-type]
            page = "istilah" if name == GLOSSARY else self.module_files.get(name, "")
            return f"../{page}/" + (f"#{parts.fragment}" if parts.fragment else "")
        return self._image(target, name)

    def _image(self, target: str, name: str) -> str:
        source, problems = self.source, self.problems
        assert source is not None and problems is not None
        line = _line_of_link(source, target)
        path = (self.module_dir / name)
        if name.startswith("/") or ".." in Path(name).parts:
            problems.add(source.shown, line, "(image)",
                         _("'{target}' points outside content/").format(target=target),
                         _("put the image beside the module and link it by its file name"))
            return ""
        if len(Path(name).parts) != 1:  # a sub-folder could be a link leaving content/
            problems.add(source.shown, line, "(image)",
                         _("'{target}' is in a sub-folder").format(target=target),
                         _("put the image beside the module and link it by its file name"))
            return ""
        if path.is_symlink():
            problems.add(source.shown, line, "(image)",
                         _("'{target}' is a symbolic link").format(target=target),
                         _("copy the image itself beside the module"))
            return ""
        if not path.is_file():
            problems.add(source.shown, line, "(link)",
                         _("'{target}' does not exist").format(target=target),
                         suggest(name, [p.name for p in self.module_dir.iterdir()])
                         or _("put the image beside the module, or fix the file name"))
            return ""
        if path.suffix.lower() not in IMAGE_TYPES or not MODULE_NAME.fullmatch(
                path.stem.lower() + ".md"):
            problems.add(source.shown, line, "(link)",
                         _("'{target}' is not an image this site publishes").format(target=target),
                         _("use .svg, .png, .jpg or .webp, named with lowercase "
                           "letters, digits and hyphens"))
            return ""
        unsafe = svg.problems(path.read_bytes()) if path.suffix.lower() == ".svg" else []
        for svg_line, message in unsafe:
            problems.add(str(path), svg_line, "(image)", message, svg.HINT)
        if unsafe:
            return ""
        self.images[path.name] = path
        return f"../{MEDIA_FOLDER}/{path.name}"


def has_modules(content: Path) -> bool:
    """Whether ``content`` has a folder of training modules (what ``load_training`` reads)."""
    return (content / MODULE_FOLDER).is_dir()


def cached_training(content: Path, problems: Problems, cache: CacheDir) -> Training | None:
    """``load_training``, kept in ``cache`` by the digest of every file below ``content``: a
    build whose modules, glossary and images did not change does not convert their Markdown
    again. Training with problems is not kept (they are reported again by the next build)."""
    files = sorted(p for p in content.rglob("*") if p.is_file()) if content.is_dir() else []
    key = cache.key("training", str(content.absolute()), *(
        part for p in files for part in (p.relative_to(content).as_posix(), p.read_bytes())))
    return kept(cache.training(), key, lambda: load_training(content, problems), problems)


def load_training(content: Path, problems: Problems) -> Training | None:
    """Read content/modul/*.md and content/istilah.md; None when there is no content folder."""
    module_dir = content / MODULE_FOLDER
    if module_dir.is_symlink() or (module_dir.exists() and not module_dir.is_dir()):
        problems.add(str(module_dir), 1, "(file)", _("is a symbolic link")
                     if module_dir.is_symlink() else _("is not a folder"),
                     _("put the modules themselves in the folder modul/"))
        return None
    if not module_dir.is_dir():
        return None
    files = sorted(p for p in module_dir.iterdir() if p.suffix == ".md")
    module_files: dict[str, str] = {}
    for path in files:
        match = MODULE_NAME.fullmatch(path.name)
        if not match or path.is_symlink():
            linked = path.is_symlink()
            problems.add(str(path), 1, "(file name)",
                         (_("'{target}' is a symbolic link") if linked
                          else _("'{name}' would make an unsafe URL")).format(
                              target=path.name, name=path.name),
                         _("put the module itself in the folder modul/") if linked else
                         _("name modules like 01-nama-modul.md: lowercase letters, digits, "
                           "hyphens"))
            continue
        if match.group(1) in module_files.values() or match.group(1) in RESERVED:
            problems.add(str(path), 1, "(file name)",
                         _("'{name}' gives the URL pelatihan/{slug}/, which another page already "
                           "uses").format(name=path.name, slug=match.group(1)),
                         _("rename the file"))
            continue
        module_files[path.name] = match.group(1)
    resolver = _Resolver(content, module_dir, module_files)
    modules = [m for m in (_module(p, module_files[p.name], resolver, problems)
                           for p in files if p.name in module_files) if m]
    glossary = _glossary(content / GLOSSARY, resolver, problems)
    _check_links(resolver, problems)
    modules.sort(key=lambda m: (m.urutan, m.slug))
    return Training(modules, glossary, dict(sorted(resolver.images.items())))


def _module(path: Path, slug: str, resolver: _Resolver, problems: Problems) -> Module | None:
    source = _split(path, str(path), problems)
    if source is None:
        return None
    f = source.front
    before = len(problems.items)
    f.reject_unknown(MODULE_FIELDS)
    judul = f.text("judul", required=True)
    urutan = f.number("urutan", low=1, required=True)
    if urutan in resolver.orders:
        f.error("urutan", _("{order} is also the order of {module}").format(
                    order=urutan, module=resolver.orders[urutan]),
                _("give every module its own order number"))
    elif urutan is not None:
        resolver.orders[urutan] = source.shown
    sasaran = f.texts("sasaran")
    for i, value in enumerate(sasaran):
        if value not in AUDIENCES:
            problems.add(source.shown, line_of(f.data.get("sasaran"), i), f"sasaran[{i}]",
                         _("'{value}' is not one of {choices}").format(
                             value=value, choices=", ".join(f"'{a}'" for a in AUDIENCES)),
                         suggest(value, AUDIENCES))
    if not sasaran and not f.has("sasaran") and f.ok:
        f.error("sasaran", _("is missing"), _("add 'sasaran:' with a list of at least one item"))
    kurikulum = read_curriculum(f, problems)
    latihan = read_exercises(f, problems)
    converted = _converted(source, resolver, problems)
    if converted is None:
        resolver.refused.add(path.name)
        return None
    anchors = {anchor for _, anchor, _ in converted.toc}
    resolver.anchors[path.name] = anchors
    if kurikulum:
        _check_sections(f, kurikulum, anchors)
    if len(problems.items) != before or kurikulum is None:
        return None
    return Module(str(path), slug, judul or "", urutan or 0, sasaran, kurikulum, latihan,
                  Markup(converted.html), tuple(converted.toc))


def _converted(source: _Source, resolver: _Resolver, problems: Problems) -> Converted | None:
    """The body as HTML; None (and a problem) when it nests too deep for the Markdown reader."""
    resolver.source, resolver.problems = source, problems
    try:
        return convert(source.body, resolver.rewrite)
    except RecursionError:
        problems.add(source.shown, source.body_line, "(markdown)",
                     _("nests emphasis, lists or quotes hundreds of levels deep"),
                     _("look for a long run of *, _, > or indented list items and shorten it"))
        return None


def _check_sections(f: Fields, kurikulum: Curriculum, anchors: set[str]) -> None:
    """Every self-check item links to a heading of its module that explains the answer."""
    items = f.data.get("swauji")
    for i, q in enumerate(kurikulum.swauji):
        if q.bagian not in anchors:
            f.problems.add(f.path, line_of(items, i), f"swauji[{i}].bagian",
                           _("there is no heading #{anchor} in this module").format(
                               anchor=q.bagian),
                           suggest(q.bagian, anchors)
                           or _("name the id of the heading that explains the answer"))


def _glossary(path: Path, resolver: _Resolver, problems: Problems) -> Glossary | None:
    if path.is_symlink():
        problems.add(str(path), 1, "(file)",
                     _("'{target}' is a symbolic link").format(target=path.name),
                     _("put the glossary itself in {path}").format(
                         path=f"{path.parent.name}/{path.name}"))
        resolver.refused.add(GLOSSARY)
        return None
    if not path.exists():
        return None
    source = _split(path, str(path), problems)
    if source is None:
        return None
    f = source.front
    f.reject_unknown(["judul", "istilah"])
    items = f.get("istilah", list, required=True) or []
    terms, seen = [], dict[str, int]()
    for i, item in enumerate(items):
        t = Fields(item, source.shown, f"istilah[{i}]", problems, line_of(items, i))
        t.reject_unknown(["istilah", "arti"])
        name, arti = t.text("istilah", required=True), t.text("arti", required=True)
        if name and arti:
            anchor = slugify(name)
            if anchor in seen:
                t.error("istilah", _("'{name}' is already defined (line {line})").format(
                            name=name, line=seen[anchor]), _("define each term once"))
            seen[anchor] = t.line
            terms.append(Term(name, anchor, arti))
    resolver.anchors[GLOSSARY] = set(seen)
    converted = _converted(source, resolver, problems)
    if converted is None:
        resolver.refused.add(GLOSSARY)
        return None
    terms.sort(key=lambda t: t.istilah.lower())
    return Glossary(f.text("judul", required=True) or "", tuple(terms), Markup(converted.html))


def _check_links(resolver: _Resolver, problems: Problems) -> None:
    """Every link to a module or glossary term must name an existing file and anchor."""
    for source, written, name, anchor in resolver.pending:
        if name in resolver.refused:
            continue
        line = _line_of_link(source, written)
        if name not in resolver.anchors:
            problems.add(source.shown, line, "(link)",
                         (_("'{link}' links to the glossary, but content/istilah.md does not "
                            "exist") if name == GLOSSARY
                          else _("'{link}' links to a module that does not exist")).format(
                              link=written),
                         suggest(name, resolver.anchors)
                         or _("link to a file in content/modul/"))
        elif anchor and anchor not in resolver.anchors[name]:
            problems.add(source.shown, line, "(link)",
                         _("'{link}': there is no heading #{anchor} in {name}").format(
                             link=written, anchor=anchor, name=name),
                         suggest(anchor, resolver.anchors[name])
                         or _("link to the slug of an existing heading"))
