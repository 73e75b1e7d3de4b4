"""``python -m generator serve``: a local preview that rebuilds on every save and reloads the
browser. A failed build shows its problems on the page and in the terminal, while the last
good site stays served."""
from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass, field, replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import watchfiles

from .build import Options, build
from .problems import BuildError, Problem

PREFIX = "/__preview/"
RELOAD_JS = """// Preview only: reload the page when the site was rebuilt (or its build failed).
(function () {
  var seen = null;
  var events = new EventSource("/__preview/events");
  events.onmessage = function (event) {
    if (seen !== null && event.data !== seen) { window.location.reload(); }
    seen = event.data;
  };
})();
"""
PREVIEW_CSS = """#preview-errors { position: fixed; inset: auto 0 0 0; max-height: 60vh; overflow: auto;
  background: #fff1f0; color: #5c0011; border-top: 4px solid #cf1322; padding: .5rem 1rem;
  font: 14px/1.4 monospace; z-index: 10; }
#preview-errors h2 { font: bold 16px system-ui, sans-serif; margin: .25rem 0; }
#preview-errors pre { white-space: pre-wrap; margin: 0; }
"""


@dataclass
class State:
    """What the preview server shows: the build number and the last build's problems."""

    version: int = 0
    problems: list[Problem] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, problems: list[Problem]) -> None:
        """Record a finished build and wake the browsers that wait for it."""
        with self.changed:
            self.version += 1
            self.problems = problems
            self.changed.notify_all()


def rebuild(opts: Options, state: State) -> None:
    """Build once; print and publish the outcome."""
    started = time.perf_counter()
    try:
        result = build(opts)
    except BuildError as exc:
        problems = exc.problems.sorted()
        for problem in problems:
            print(problem, flush=True)
        print(f"{len(problems)} problem(s); still serving the last good site", flush=True)
        state.publish(problems)
        return
    print(f"rebuilt {result.pages} pages in {time.perf_counter() - started:.2f} s", flush=True)
    state.publish([])


def overlay(problems: list[Problem]) -> str:
    """The error panel injected into every page while the last build failed."""
    if not problems:
        return ""
    text = html.escape("\n".join(str(p) for p in problems))
    return (f'<div id="preview-errors" role="alert"><h2>Build gagal: {len(problems)} masalah. '
            f'Situs terakhir yang berhasil tetap ditampilkan.</h2><pre>{text}</pre></div>')


class Handler(SimpleHTTPRequestHandler):
    """Serves the built site, injecting live reload and the error panel into HTML pages."""

    state: State

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's API)
        path = self.path.split("?", 1)[0]
        if path == PREFIX + "events":
            return self._events()
        if path in (PREFIX + "reload.js", PREFIX + "preview.css"):
            kind = "text/javascript" if path.endswith(".js") else "text/css"
            return self._send((RELOAD_JS if path.endswith(".js") else PREVIEW_CSS).encode(), kind)
        target = Path(self.translate_path(path))
        if target.is_dir():
            if not path.endswith("/"):
                return super().do_GET()  # redirects to the folder
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            page = target.read_text(encoding="utf-8")
            extra = (f'<link rel="stylesheet" href="{PREFIX}preview.css">'
                     f'{overlay(self.state.problems)}<script src="{PREFIX}reload.js"></script>')
            return self._send(page.replace("</body>", extra + "</body>", 1).encode(),
                              "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: the build number now, then each time it changes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            while True:
                with self.state.changed:
                    self.state.changed.wait_for(lambda: self.state.version != seen, timeout=15)
                    seen = self.state.version
                self.wfile.write(f"data: {seen}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def watched(opts: Options) -> list[Path]:
    """The inputs to watch: settings, registry, region table, content and templates."""
    paths = [opts.config, *opts.data, opts.config.parent / "data", opts.content, opts.templates]
    return sorted({p.resolve() for p in paths if p.exists()})


def _ignored(change: watchfiles.Change, path: str) -> bool:
    name = Path(path).name
    return not (name.endswith((".swp", "~", ".tmp")) or name.startswith((".#", "."))
                or name.endswith(".bak"))


def run_serve(opts: Options, port: int = 8000, stop: threading.Event | None = None) -> int:
    """Build, serve on 127.0.0.1:``port`` and rebuild on every change until Ctrl+C or ``stop``."""
    opts = replace(opts, base_url=f"http://127.0.0.1:{port}/")
    state = State()
    rebuild(opts, state)
    handler = type("PreviewHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(opts.out)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
    try:
        for _ in watchfiles.watch(*watched(opts), watch_filter=_ignored, stop_event=stop,
                                  yield_on_timeout=False, raise_interrupt=False):
            rebuild(opts, state)
    finally:
        server.shutdown()
        server.server_close()
    return 0
