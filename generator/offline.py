"""A service worker that keeps the training section readable offline after one visit."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import urls

SCOPE = urls.TRAINING
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


PROFILE_WORKER_PATH = "posyandu/sw.js"  # beside every profile (urls.posyandu)
# The profiles' service worker: network first; every page and file a profile loads is kept,
# with the time it was fetched, so a profile visited once opens again without a network, and
# says that it shows a saved copy and from when (the empty data-salinan="" gets the time).
PROFILE_WORKER = """// Service worker of the Posyandu profiles: a profile visited once opens again offline.
const CACHE = "posyandu-profil-1";
const SAVED = "x-disimpan";

async function keep(request, response) {
  if (!response.ok || response.type !== "basic") return response;
  const headers = new Headers(response.headers);
  headers.set(SAVED, new Date().toISOString());
  const copy = new Response(await response.clone().blob(), { status: response.status,
    statusText: response.statusText, headers: headers });
  const cache = await caches.open(CACHE);
  await cache.put(request, copy);
  return response;
}

async function saved(request) {
  const hit = await caches.match(request, { ignoreSearch: true });
  if (!hit) return Response.error();
  if (!(hit.headers.get("content-type") || "").startsWith("text/html")) return hit;
  const text = (await hit.text()).replace('data-salinan=""',
    'data-salinan="' + hit.headers.get(SAVED) + '"');
  return new Response(text, { status: hit.status, headers: hit.headers });
}

self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// A page loaded before the worker ran sends its own address and files to be kept at once.
self.addEventListener("message", (event) => {
  if (event.data && event.data.keep) {
    event.waitUntil(Promise.all(event.data.keep.map((url) =>
      fetch(url).then((r) => keep(url, r)).catch(() => null))));
  }
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET" || !event.request.url.startsWith(self.location.origin)) return;
  event.respondWith(fetch(event.request).then((r) => keep(event.request, r))
    .catch(() => saved(event.request)));
});
"""
