"""What every page of a site knows about the site it belongs to (the templates' ``site``)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from .models import NationalSettings, Region, Settings
from .policy import CSP


@dataclass(frozen=True)
class SiteContext:
    """The site a page belongs to: a kabupaten's (``region`` set) or a national site's top.

    Every value is given when it is made (no defaults): a missing one fails here, not when
    some page renders."""

    settings: Settings | NationalSettings
    name: str  # the site's area, as the header names it: "Kutai Kartanegara", "Indonesia"
    region: Region | None  # the kabupaten; None at the top of a national site
    training: bool  # the site has a training section (its own, or the national one above)
    # The levels above a kabupaten of a national site as (label, URL relative to its root),
    # e.g. (("Indonesia", "../../"), ("Provinsi Jawa Barat", "../")); () for a site of its own.
    parents: tuple[tuple[str, str], ...]
    open_data: bool  # the site publishes the registry as open data (data/, feed.xml)
    csp: str  # the Content-Security-Policy of every page (policy.py)

    @property
    def base_path(self) -> str:
        """The path of the site's root on its host, e.g. "/posyandu/"."""
        return urlsplit(self.settings.base_url).path or "/"

    @property
    def up(self) -> str:
        """From a kabupaten's root to the top of its national site ("" for a site of its own)."""
        return self.parents[0][1] if self.parents else ""

    @classmethod
    def kabupaten(cls, settings: Settings, region: Region, training: bool,
                  parents: tuple[tuple[str, str], ...]) -> SiteContext:
        return cls(settings, region.nama, region, training, parents, open_data=True, csp=CSP)

    @classmethod
    def national(cls, settings: NationalSettings, training: bool) -> SiteContext:
        return cls(settings, "Indonesia", None, training, (), open_data=False, csp=CSP)
