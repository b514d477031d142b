"""A stack's site: where the files of each festival its tables hold are published.

- One festival (a stack per festival, the common case): its files at the site root.
- Several: each festival in a folder of its own, named by its acronym
  (`riverside_sounds_2027/schedule.xml`, `-2` added where two acronyms meet), so each keeps
  one URL whatever else is uploaded; and the root holds the festival whose last day is the
  latest (the coming edition, as a festival's site would; ties by name): the URL apps were
  given for a one-festival stack stays a whole festival's site, never two mixed.

Every changing ingestion republishes the whole layout (a festival's folder may be new, or the
root change hands); S3 puts cost a fraction of a cent per thousand.
"""

from __future__ import annotations

from datetime import datetime

from festival_cli.core.cyclic_gc import no_cyclic_gc
from festival_cli.core.store import Store
from festival_cli.publish.c3voc import acronym, distinct
from festival_cli.publish.site import SiteFile, site_files
from festival_cli.publish.snapshot import Snapshot, pick, read_snapshots


def folders(sites: list[Snapshot]) -> list[tuple[Snapshot, list[str]]]:
    """Each festival with the folders it is published into ("" the site root), in order."""
    if len(sites) == 1:
        return [(sites[0], [""])]
    root = max(sites, key=lambda s: (last_day(s), s.festival or ""))
    names = distinct(acronym(site.festival) for site in sites)
    return [(site, [name, ""] if site is root else [name])
            for site, name in zip(sites, names, strict=True)]


def last_day(site: Snapshot) -> str:
    return max(p.date for p in (*site.sets, *site.cancelled))


def stack_site(store: Store, festival: str | None = None, *, now: datetime | None = None,
               base_url: str | None = None) -> list[SiteFile]:
    """Every file of the stack's site (see the module docstring), paths from the site root;
    with `festival` (by name, "" the sets of files naming none), only that festival's files,
    in its places. A name the store does not hold is a NotFoundError listing what it holds."""
    with no_cyclic_gc():  # reading and rendering: many objects, no cycles
        sites = read_snapshots(store, now=now)
        placed = folders(sites)
        if festival is not None:
            chosen = pick(sites, festival)
            placed = [(s, where) for s, where in placed if s is chosen]
        out: list[SiteFile] = []
        for site, where in placed:
            rendered: dict[str | None, list[SiteFile]] = {}
            for folder in where:
                url = f"{base_url}{folder}/" if base_url and folder else base_url
                files = rendered.get(url) or rendered.setdefault(
                    url, site_files(site, base_url=url))
                out += [f._replace(path=f"{folder}/{f.path}") for f in files] if folder else files
        return out
