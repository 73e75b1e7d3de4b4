"""The curriculum front matter of a training module, modelled on the Kemenkes/BPSDM format.

Per module (mata pelatihan): kelompok (dasar/inti/penunjang), kompetensi, tujuan pembelajaran
umum (TPU) and khusus (TPK), pokok bahasan with sub-pokok bahasan, JPL split into teori (T),
penugasan (P) and praktik lapangan (PL) with 1 JPL = 45 minutes, metode, media and alat bantu,
referensi and evaluasi; besides: practice tasks that produce an artefact (with facilitator
notes), multiple-choice self-check items (which also make up the pre- and post-test), the
latihan questions and notes for the facilitator.
"""
from __future__ import annotations

from dataclasses import dataclass

from .fields import Fields
from .i18n import Message, _
from .load import line_of
from .problems import Problems

KELOMPOK = {"dasar": "Mata pelatihan dasar", "inti": "Mata pelatihan inti",
            "penunjang": "Mata pelatihan penunjang"}
JENIS_LATIHAN = {"ingatan": "mengingat", "penerapan": "menerapkan", "analisis": "menganalisis"}
MINUTES_PER_JPL = 45
CURRICULUM_FIELDS = ("kelompok", "kompetensi", "tpu", "tpk", "pokok_bahasan", "jpl", "metode",
                     "media", "referensi", "evaluasi", "praktik", "swauji", "catatan_fasilitator",
                     "contoh_kunjungan")
TEXT_LISTS = ("tpk", "metode", "media", "referensi", "evaluasi")


@dataclass(frozen=True)
class Jpl:
    """Jam pelajaran: teori, penugasan, praktik lapangan."""

    t: int
    p: int
    pl: int

    @property
    def total(self) -> int:
        return self.t + self.p + self.pl

    @property
    def minutes(self) -> int:
        return self.total * MINUTES_PER_JPL


@dataclass(frozen=True)
class Topic:
    """A pokok bahasan and its sub-pokok bahasan."""

    judul: str
    sub: tuple[str, ...]


@dataclass(frozen=True)
class Practice:
    """A task in which the trainee produces an artefact a pembina really makes."""

    judul: str
    tugas: str
    produk: str
    cara: str  # facilitator: how to run it
    jawaban_baik: str  # facilitator: what a good answer contains


@dataclass(frozen=True)
class Question:
    """A multiple-choice self-check item; ``benar`` counts from 1; ``bagian`` is a heading id."""

    soal: str
    pilihan: tuple[str, ...]
    benar: int
    bagian: str


@dataclass(frozen=True)
class Exercise:
    """One latihan question with its answer and the kind of thinking it asks for."""

    soal: str
    jawaban: str
    jenis: str


@dataclass(frozen=True)
class Curriculum:
    """The curriculum fields of one module."""

    kelompok: str
    kompetensi: str
    tpu: str
    tpk: tuple[str, ...]
    pokok_bahasan: tuple[Topic, ...]
    jpl: Jpl
    metode: tuple[str, ...]
    media: tuple[str, ...]
    referensi: tuple[str, ...]
    evaluasi: tuple[str, ...]
    praktik: tuple[Practice, ...]
    swauji: tuple[Question, ...]
    catatan_fasilitator: tuple[str, ...]
    contoh_kunjungan: str | None  # id of a Posyandu whose visit sheet the module links to


def read_curriculum(f: Fields, problems: Problems) -> Curriculum | None:
    """Read and check the curriculum fields of a module's front matter (None if any is wrong)."""
    before = len(problems.items)
    kelompok = f.choice("kelompok", KELOMPOK, required=True)
    kompetensi = f.text("kompetensi", required=True)
    tpu = f.text("tpu", required=True)
    lists = {key: _required_texts(f, key) for key in TEXT_LISTS}
    topics = _items(f, "pokok_bahasan", _topic, _("a list of topics, each with judul and sub"))
    jpl = _jpl(f)
    praktik = _items(f, "praktik", _practice,
                     _("a list of tasks with judul, tugas, produk, cara and jawaban_baik"))
    swauji = _items(f, "swauji", _question,
                    _("a list of questions with soal, pilihan, benar and bagian"))
    notes = f.texts("catatan_fasilitator")
    example = f.text("contoh_kunjungan", pattern=r"[a-z0-9]+(?:-[a-z0-9]+)*",
                     hint=_("the id of a Posyandu in the registry, e.g. "
                             "samboja-handil-baru-melati"))
    if len(problems.items) != before or not (kelompok and kompetensi and tpu and jpl):
        return None
    return Curriculum(kelompok, kompetensi, tpu, lists["tpk"], topics, jpl, lists["metode"],
                      lists["media"], lists["referensi"], lists["evaluasi"], praktik, swauji,
                      notes, example)


def read_exercises(f: Fields, problems: Problems) -> tuple[Exercise, ...]:
    """The latihan: at least one; no more than half of them recall (``jenis: ingatan``)."""
    exercises = _items(f, "latihan", _exercise,
                       _("a list of questions with soal, jawaban, jenis"))
    recall = sum(e.jenis == "ingatan" for e in exercises)
    if exercises and recall * 2 > len(exercises):
        f.error("latihan", _("{recall} of {count} questions are recall ('ingatan')").format(
                    recall=recall, count=len(exercises)),
                _("no more than half of a module's latihan may be recall: turn some into "
                  "'penerapan' or 'analisis' questions on a Kukar case"))
    return exercises


def _required_texts(f: Fields, key: str) -> tuple[str, ...]:
    values = f.texts(key)
    if not values and f.ok:
        f.error(key, _("is empty") if f.has(key) else _("is missing"),
                _("add '{key}:' with a list of at least one item").format(key=key))
    return values


def _items(f: Fields, key: str, read, what: Message) -> tuple:
    """Read the list under ``key`` with ``read(Fields) -> item | None``; it must not be empty."""
    items = f.get(key, list, required=True,
                  hint=_("add '{key}:' with {kind}").format(key=key, kind=what)) or []
    if f.has(key) and not items:
        f.error(key, _("is empty"), _("add {what}").format(what=what))
    out = []
    for i, item in enumerate(items):
        value = read(Fields(item, f.path, f"{f.name(key)}[{i}]", f.problems, line_of(items, i)))
        if value is not None:
            out.append(value)
    return tuple(out)


def _jpl(f: Fields) -> Jpl | None:
    j = f.sub("jpl", required=True)
    if not j.ok:
        return None
    j.reject_unknown(["t", "p", "pl"])
    t, p, pl = (j.number(key, low=0, required=True) for key in ("t", "p", "pl"))
    if t is None or p is None or pl is None:
        return None
    if t + p + pl == 0:
        f.error("jpl", _("adds up to 0"), _("give the module at least one JPL (t, p or pl)"))
        return None
    return Jpl(t, p, pl)


def _topic(t: Fields) -> Topic | None:
    t.reject_unknown(["judul", "sub"])
    judul = t.text("judul", required=True)
    return Topic(judul, t.texts("sub")) if judul else None


def _practice(t: Fields) -> Practice | None:
    keys = ("judul", "tugas", "produk", "cara", "jawaban_baik")
    t.reject_unknown(keys)
    values = [t.text(key, required=True) for key in keys]
    return Practice(*values) if all(values) else None  # type: ignore[arg-type]


def _question(q: Fields) -> Question | None:
    q.reject_unknown(["soal", "pilihan", "benar", "bagian"])
    soal, bagian = q.text("soal", required=True), q.text("bagian", required=True)
    pilihan = q.texts("pilihan")
    if q.ok and len(pilihan) < 2 and q.has("pilihan"):
        q.error("pilihan", _("needs at least two choices"),
                _("list the right answer and distractors"))
    elif q.ok and not q.has("pilihan"):
        q.error("pilihan", _("is missing"), _("add 'pilihan:' with the choices"))
    benar = q.number("benar", low=1, high=max(len(pilihan), 1), required=True)
    if soal and bagian and benar and len(pilihan) >= 2:
        return Question(soal, pilihan, benar, bagian)
    return None


def _exercise(e: Fields) -> Exercise | None:
    e.reject_unknown(["soal", "jawaban", "jenis"])
    soal, jawaban = e.text("soal", required=True), e.text("jawaban", required=True)
    jenis = e.choice("jenis", JENIS_LATIHAN, required=True)
    return Exercise(soal, jawaban, jenis) if soal and jawaban and jenis else None


@dataclass(frozen=True)
class SelfTest:
    """The pre- or post-test page: every module's self-check items, scored in the browser."""

    key: str  # also its URL below pelatihan/ and its key in the browser's storage
    judul: str
    keterangan: str


TESTS = (SelfTest("tes-awal", "Tes awal (pre-test)",
                  "Kerjakan sebelum mempelajari modul pertama, untuk melihat apa yang sudah "
                  "Anda kuasai."),
         SelfTest("tes-akhir", "Tes akhir (post-test)",
                  "Kerjakan setelah menyelesaikan semua modul; bandingkan skornya dengan tes "
                  "awal di halaman hasil belajar."))
