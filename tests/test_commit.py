"""Nothing lost: builds of one output exclude each other, an output that would replace an input
or a foreign folder is refused, and a kill at any step of the commit leaves a site that the next
build turns into exactly what a cold build makes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import BASE_URL, ROOT, digests

KILLER = ROOT / "tests" / "fixtures" / "kill_during_commit.py"


def small_registry(path: Path, entries: int, rename: str = "") -> Path:
    """The first ``entries`` Posyandu of the sample; ``rename`` changes the first one's name."""
    text = (ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8")
    head, *parts = text.split("\n  - id: ")
    body = "\n  - id: ".join([head, *parts[:entries]]) + "\n"
    if rename:
        body = body.replace('nama: "Posyandu Teratai"', f'nama: "{rename}"', 1)
    path.write_text(body, encoding="utf-8")
    return path


def command(out: Path, data: Path, cache: Path, *extra: str) -> list[str]:
    """A build of ``data`` without training modules (a folder that holds none): every file is
    committed alike, and each cold build would print the handbook PDF (6 s) for nothing."""
    return ["build", "--out", str(out), "--data", str(data), "--cache", str(cache),
            "--base-url", BASE_URL, "--no-search", "--config", str(ROOT / "config.yaml"),
            "--content", str(data.parent / "no-training-modules"),
            "--templates", str(ROOT / "templates"), *extra]


def run(args: list[str], cwd: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", "--lang", "en", *args], cwd=ROOT, env={
        **os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, **popen)


def test_two_builds_of_one_output_at_once(tmp_path: Path):
    data = small_registry(tmp_path / "posyandu.yaml", 30)
    out = tmp_path / "site"
    builds = [run(command(out, data, tmp_path / f"cache-{i}"), tmp_path) for i in range(2)]
    results = [(b.wait(), b.stderr.read()) for b in builds]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    refused = next(err for code, err in results if code == 1)
    assert f"another build of {out}/ is running (pid " in refused
    cold = tmp_path / "cold"
    assert run(command(cold, data, tmp_path / "cache-cold"), tmp_path).wait() == 0
    assert digests(out) == digests(cold), "the site of the build that ran is complete"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_killed_build_does_not_block_the_next(tmp_path: Path):
    data = small_registry(tmp_path / "posyandu.yaml", 300)
    out = tmp_path / "site"
    first = run(command(out, data, tmp_path / "cache"), tmp_path, start_new_session=True)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".site.staging-*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert (tmp_path / ".site.lock").exists(), "the killed build left its lock file"
    again = run(command(out, data, tmp_path / "cache"), tmp_path)
    assert again.wait() == 0, again.stderr.read()
    assert not list(tmp_path.glob(".site.*")), "lock, staging and old folders are gone"


@pytest.mark.parametrize("out_name, message", [
    ("data", "the output would replace the input"),
    (".", "the output would replace the input"),
    ("content", "the output would replace the input folder"),
    ("templates/assets", "the output would replace the input folder"),
    (".cache", "the output would replace the input folder"),
    ("README.md", "is a file, not a folder"),
    ("docs", "was not made by this generator"),
])
def test_an_output_that_would_replace_an_input_is_refused(tmp_path: Path, out_name: str,
                                                          message: str):
    project = tmp_path / "project"
    for name in ("config.yaml", "README.md"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_bytes((ROOT / name).read_bytes())
    for name in ("data", "content", "templates", "docs"):
        subprocess.run(["cp", "-r", str(ROOT / name), str(project / name)], check=True)
    (project / ".cache").mkdir()
    before = digests(project)
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--out", out_name,
                             "--no-search", "--lang", "en"], cwd=project, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1, result.stderr
    assert f"{out_name}:0: --out: " in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr
    assert digests(project) == before, "nothing was changed"


def _killed_builds() -> list[str]:
    """Kill points: every step of the commit (the marker, the manifest, the exchange, the
    replaced tree kept as the spare, with its manifest), and, counted from the start of
    staging, every step of taking the spare and bringing it up to date (written, linked and
    pruned files) before the commit."""
    return [*(str(n) for n in range(1, 21)), *(f"staging:{n}" for n in range(1, 17))]


@pytest.mark.slow
def test_a_kill_at_any_step_of_the_commit_then_the_next_build_equals_a_cold_one(tmp_path: Path):
    v1 = small_registry(tmp_path / "v1.yaml", 25)
    v2 = small_registry(tmp_path / "v2.yaml", 25, rename="Posyandu Teratai Baru")
    data = tmp_path / "posyandu.yaml"
    cold = {}
    for name, source in (("v1", v1), ("v2", v2)):
        data.write_bytes(source.read_bytes())
        assert run(command(tmp_path / f"cold-{name}", data, tmp_path / f"cache-{name}"),
                   tmp_path).wait() == 0
        cold[name] = digests(tmp_path / f"cold-{name}")
    out, cache = tmp_path / "site", tmp_path / "cache"

    def build(source: Path, expected: str) -> None:
        data.write_bytes(source.read_bytes())
        again = run(command(out, data, cache), tmp_path)
        assert again.wait() == 0, again.stderr.read()
        assert digests(out) == cold[expected]
        assert not list(tmp_path.glob(".site.*"))

    for source in (v2, v1, v1):  # the replaced site is kept as the spare from the second on
        build(source, "v2" if source == v2 else "v1")
    for step in _killed_builds():
        data.write_bytes(v2.read_bytes())
        killed = subprocess.run([sys.executable, str(KILLER), step,
                                 *command(out, data, cache)], cwd=ROOT, capture_output=True,
                                text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert killed.returncode == -signal.SIGKILL, (step, killed.stderr)
        assert digests(out) in (cold["v1"], cold["v2"]), f"step {step}: the site is one build whole"
        build(v1, "v1")  # the edit is reverted: the next build equals a cold one
    build(v2, "v2")  # and so do the builds after it, which use the spare again
    build(v1, "v1")


@pytest.mark.slow
def test_a_kill_while_a_failed_build_keeps_its_folder_as_the_spare(tmp_path: Path):
    """A build that fails at a template error keeps its staging folder as the spare; killed at
    any step of that, the site stays as it was and the next build equals a cold one."""
    templates = tmp_path / "templates"
    subprocess.run(["cp", "-r", str(ROOT / "templates"), str(templates)], check=True)
    good = (templates / "posyandu.html").read_text(encoding="utf-8")
    data = small_registry(tmp_path / "posyandu.yaml", 25)
    out, cache = tmp_path / "site", tmp_path / "cache"

    def args(target: Path, cache_dir: Path) -> list[str]:
        return [*command(target, data, cache_dir)[:-2], "--templates", str(templates)]

    assert run(args(tmp_path / "cold", tmp_path / "cache-cold"), tmp_path).wait() == 0
    cold = digests(tmp_path / "cold")
    for _ in range(2):
        assert run(args(out, cache), tmp_path).wait() == 0
    for step in range(1, 11):
        (templates / "posyandu.html").write_text(good.replace("</h1>", "{{ 1 / 0 }}</h1>", 1),
                                                 encoding="utf-8")
        killed = subprocess.run([sys.executable, str(KILLER), f"discard:{step}",
                                 *args(out, cache)], cwd=ROOT, capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert killed.returncode == -signal.SIGKILL, (step, killed.stderr)
        assert digests(out) == cold, f"step {step}: the site is as it was"
        (templates / "posyandu.html").write_text(good, encoding="utf-8")
        again = run(args(out, cache), tmp_path)
        assert again.wait() == 0, again.stderr.read()
        assert digests(out) == cold, f"killed at step {step} of keeping the spare"
        assert not list(tmp_path.glob(".site.*"))


def test_an_output_that_is_a_symlink_loop_is_refused_not_replaced(tmp_path: Path):
    (tmp_path / "loop").symlink_to("loop")
    result = subprocess.run([sys.executable, "-m", "generator", "--lang", "en", "build", "--out",
                             str(tmp_path / "loop"), "--no-search", "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{tmp_path / 'loop'} is a file, not a folder" in result.stderr
    assert (tmp_path / "loop").is_symlink() and os.readlink(tmp_path / "loop") == "loop"
