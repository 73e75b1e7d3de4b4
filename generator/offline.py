"""A service worker that keeps the training section readable offline after one visit."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

SCOPE = "pelatihan/"
SHARED_ASSETS = ("assets/situs.css", "assets/pelatihan.css", "assets/pelatihan.js")

_WORKER = """// Service worker of the training section: every module, the glossary, the handbook and
// their assets are cached on the first visit, so the section works without a network.
const VERSION = %(version)s;
const FILES = %(files)s;
const CACHE = "pelatihan-" + VERSION;

self.addEventListener("install", (event) => {
  const urls = FILES.map((f) => new URL(f, self.registration.scope).href);
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(urls)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("pelatihan-") && k !== CACHE)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// Network first, so readers online always see the latest text; the cache when offline.
self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  event.respondWith(fetch(event.request).catch(() =>
    caches.match(event.request, { ignoreSearch: true }).then((hit) => hit || Response.error())));
});
"""


def service_worker(site: Path) -> str:
    """The worker's source for the files of the training section in ``site``."""
    section = site / SCOPE
    files = sorted(p.relative_to(section).as_posix() for p in section.rglob("*")
                   if p.is_file() and p.name != "sw.js")
    pages = [f.removesuffix("index.html") for f in files]
    shared = [f"../{a}" for a in SHARED_ASSETS]
    digest = hashlib.sha256()
    for rel in files:
        digest.update(rel.encode() + b"\0" + (section / rel).read_bytes())
    for rel in SHARED_ASSETS:
        digest.update((site / rel).read_bytes())
    return _WORKER % {"version": json.dumps(digest.hexdigest()[:16]),
                      "files": json.dumps([p or "./" for p in pages] + shared,
                                          indent=1)}
