"""ASCII slugs for readable, stable URLs."""
from __future__ import annotations

import functools
import re
import unicodedata


@functools.lru_cache(maxsize=1 << 16)  # a build asks for each desa's and Posyandu's name often
def slugify(text: str) -> str:
    """Lowercase ASCII slug: accents dropped, other characters collapsed to single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def code_slug(name: str, code: str) -> str:
    """Slug of a region: its name, then its code digits (names repeat, codes do not)."""
    return f"{slugify(name)}-{code.replace('.', '')}"
