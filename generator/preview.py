"""``python -m generator serve``: a local preview that rebuilds on every save and reloads the
browser. A failed build shows its problems on the page and in the terminal, while the last
good site stays served."""
from __future__ import annotations

import html
import json
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import watchfiles

from .build import Options, build
from .i18n import Message, Number, _, as_message
from .problems import BuildError, Problem
from .render import Environments

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
NO_SITE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body><p>{message}</p>{extra}</body></html>
"""


@dataclass
class State:
    """What the preview server shows, in ``lang``: the build number and the last build's
    problems."""

    lang: str
    version: int = 0
    problems: list[Problem] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def newer_than(self, version: int) -> Callable[[], bool]:
        """Whether a build after ``version`` has finished (for ``changed.wait_for``)."""
        return lambda: self.version != version

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
    except Exception as exc:  # e.g. a file removed while it was read: retry on the next save
        traceback.print_exc()
        problems = [Problem("(preview)", 0, "(build)", as_message(f"{type(exc).__name__}: {exc}"),
                            _("save again to retry"))]
    else:
        print(_("rebuilt {pages} pages in {seconds} s").format(
            pages=result.pages, seconds=Number(time.perf_counter() - started)).render(opts.lang),
            flush=True)
        state.publish([])
        return
    for problem in problems:
        print(problem.render(opts.lang), file=sys.stderr)
    kept = (_("{count} problem(s); still serving the last good site") if opts.out.is_dir()
            else _("{count} problem(s); no site to serve yet"))
    print(kept.format(count=len(problems)).render(opts.lang), file=sys.stderr, flush=True)
    state.publish(problems)


def overlay(problems: list[Problem], lang: str, stale: bool = True) -> str:
    """The error panel injected into every page while the last build failed, in ``lang``;
    ``stale``: the page behind it is from the last good build."""
    if not problems:
        return ""
    text = html.escape("\n".join(p.render(lang) for p in problems))
    title = (_("Build failed: {count} problem(s). The last good site is still shown.") if stale
             else _("Build failed: {count} problem(s)."))
    heading = html.escape(title.format(count=len(problems)).render(lang))
    return (f'<div id="preview-errors" role="alert" lang="{lang}"><h2>{heading}</h2>'
            f'<pre>{text}</pre></div>')


class Handler(SimpleHTTPRequestHandler):
    """Serves the built site, injecting live reload and the error panel into HTML pages."""

    state: State
    timeout = 60  # seconds an idle connection is kept (the event stream writes every 15 s)

    def log_message(self, *args: object) -> None:
        pass

    def _refused(self) -> bool:
        """Answer requests that must not be served: another Host than this server's own
        (DNS rebinding: a page of another site resolving its name to 127.0.0.1) and paths
        with a NUL byte."""
        port = self.server.server_address[1]  # type: ignore[index]  # an (host, port) pair
        if self.headers.get("Host", "") not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            self._say(_("Unknown Host: the preview serves 127.0.0.1 only."), 403)
            return True
        if "\x00" in unquote(self.path):
            self._say(_("Invalid address."), 400)
            return True
        return False

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's API)
        if not self._refused():
            super().do_HEAD()

    def do_GET(self) -> None:  # noqa: N802 (http.server's API)
        if self._refused():
            return None
        path = self.path.split("?", 1)[0]
        if path == PREFIX + "events":
            return self._events()
        if path == PREFIX + "state":
            return self._send(json.dumps(self._state()).encode(), "application/json")
        if path in (PREFIX + "reload.js", PREFIX + "preview.css"):
            kind = "text/javascript" if path.endswith(".js") else "text/css"
            return self._send((RELOAD_JS if path.endswith(".js") else PREVIEW_CSS).encode(), kind)
        if not Path(self.directory).is_dir():  # the first build is running or failed
            lang = self.state.lang
            message = (_("No build has succeeded yet.") if self.state.problems
                       else _("The site is being built…"))
            page = NO_SITE.format(lang=lang, title=_("Preview").render(lang),
                                  message=message.render(lang), extra=self._extra(stale=False))
            return self._send(page.encode(), "text/html; charset=utf-8", 503)
        target = Path(self.translate_path(path))
        if target.is_dir():
            if not path.endswith("/"):
                return super().do_GET()  # redirects to the folder
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            page = target.read_text(encoding="utf-8")
            return self._send(page.replace("</body>", self._extra() + "</body>", 1).encode(),
                              "text/html; charset=utf-8")
        return super().do_GET()

    def _extra(self, stale: bool = True) -> str:
        """What every HTML page gets: the error panel (if any) and the reload script."""
        return (f'<link rel="stylesheet" href="{PREFIX}preview.css">'
                f'{overlay(self.state.problems, self.state.lang, stale)}'
                f'<script src="{PREFIX}reload.js"></script>')

    def _state(self) -> dict[str, object]:
        """The build number and the last build's problems, for tools and tests."""
        problems = self.state.problems
        return {"version": self.state.version, "ok": not problems,
                "problems": [p.render(self.state.lang) for p in problems]}

    def _say(self, message: Message, status: int) -> None:
        """Answer with a short text in the preview's language."""
        self._send(message.render(self.state.lang).encode(), "text/plain; charset=utf-8", status)

    def _send(self, body: bytes, kind: str, status: int = 200) -> None:
        self.send_response(status)
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
                    self.state.changed.wait_for(self.state.newer_than(seen), timeout=15)
                    seen = self.state.version
                self.wfile.write(f"data: {seen}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def watched(opts: Options) -> tuple[set[Path], set[Path]]:
    """The inputs to watch: folders (content, templates, the region table's data/) and files
    (settings, registry files outside those folders)."""
    folders = {p.resolve() for p in (opts.config.parent / "data", opts.content, opts.templates)
               if p is not None and p.is_dir()}  # content None: no training section
    files = {p.resolve() for p in (opts.config, *opts.data)}
    return folders, {f for f in files if not any(d in f.parents for d in folders)}


def _is_temp(path: Path) -> bool:
    """Editor swap, backup and lock files."""
    name = path.name
    return name.endswith((".swp", "~", ".tmp", ".bak")) or name.startswith(".")


def watch(opts: Options, stop: threading.Event) -> queue.Queue[set[tuple[watchfiles.Change, str]]]:
    """Start watching the inputs until ``stop`` is set; each batch of saves goes into the queue.
    Files are watched through their folder, not recursively: an editor's atomic save replaces
    the file, which would end a watch on the file itself."""
    folders, files = watched(opts)
    batches: queue.Queue[set[tuple[watchfiles.Change, str]]] = queue.Queue()

    def relevant(_change: watchfiles.Change, name: str) -> bool:
        path = Path(name)
        return not _is_temp(path) and (path in files or any(d in path.parents for d in folders))

    def pump(paths: set[Path], recursive: bool) -> None:
        for batch in watchfiles.watch(*paths, watch_filter=relevant, recursive=recursive,
                                      stop_event=stop, yield_on_timeout=False,
                                      raise_interrupt=False):
            batches.put(batch)

    for paths, recursive in ((folders, True), ({f.parent for f in files}, False)):
        if paths:
            threading.Thread(target=pump, args=(paths, recursive), daemon=True).start()
    return batches


def saved(batches: queue.Queue[set[tuple[watchfiles.Change, str]]], stop: threading.Event) -> bool:
    """Wait for the next saves (True) or for ``stop`` (False); saves already queued count once."""
    while not stop.is_set():
        try:
            batches.get(timeout=0.2)
        except queue.Empty:
            continue
        while not batches.empty():
            batches.get_nowait()
        return True
    return False


def _interrupt(stop: threading.Event, _signum: int, _frame: object) -> None:
    """Stop the preview (Ctrl+C, SIGTERM) at once by KeyboardInterrupt, and by ``stop`` when
    that is lost: one raised while the interpreter runs its steps after a fork (a build
    starting its workers) is ignored there, and the preview then stops after that build."""
    stop.set()
    raise KeyboardInterrupt


def run_serve(opts: Options, port: int = 8000, stop: threading.Event | None = None) -> int:
    """Serve on 127.0.0.1:``port``, build, and rebuild on every save until Ctrl+C or ``stop``.
    Returns 0, or 1 when the port cannot be used."""
    opts = replace(opts, base_url=f"http://127.0.0.1:{port}/", environments=Environments())
    state = State(opts.lang)
    handler = type("PreviewHandler", (Handler,), {"state": state})
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(opts.out)))
    except OSError as exc:
        print(_("cannot serve on 127.0.0.1:{port}: {reason}; try --port").format(
            port=port, reason=exc.strerror).render(opts.lang), file=sys.stderr)
        return 1
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(_("serving http://127.0.0.1:{port}/ (Ctrl+C to stop)").format(port=port)
          .render(opts.lang), flush=True)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):  # SIGTERM stops as cleanly as Ctrl+C
            signal.signal(signum, partial(_interrupt, stop))
    try:
        batches = watch(opts, stop)  # before the first build: saves made during it count
        rebuild(opts, state)
        while saved(batches, stop):
            rebuild(opts, state)
    except KeyboardInterrupt:
        print(_("stopped").render(opts.lang), flush=True)
    finally:
        stop.set()  # ends the watchers
        server.shutdown()
        server.server_close()
    return 0
