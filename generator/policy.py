"""What pages may load: one Content-Security-Policy for the meta tag and the _headers file."""
from __future__ import annotations

# Only this site's own files; 'wasm-unsafe-eval' lets Pagefind start its WebAssembly search.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
       "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'")


def headers_file() -> str:
    """A ``_headers`` file (Netlify, Cloudflare Pages) sending the policy and related headers."""
    return ("/*\n"
            f"  Content-Security-Policy: {CSP}; frame-ancestors 'none'\n"
            "  X-Content-Type-Options: nosniff\n"
            "  Referrer-Policy: strict-origin-when-cross-origin\n"
            "/*.ics\n  Content-Type: text/calendar; charset=utf-8\n"
            "/*.geojson\n  Content-Type: application/geo+json\n"
            "/feed.xml\n  Content-Type: application/atom+xml; charset=utf-8\n")
