"""The site as data: every file with its path, bytes, content type and caching (see __init__).

`build_site` reads the store once (publish.snapshot: Queries only) and renders every file from
that one snapshot; `write_site` puts them in a folder. Serving them (S3 + CloudFront in a stack,
any static server locally) is the caller's: each `SiteFile` carries what to send with it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from json.encoder import encode_basestring
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from festival_cli.core.cyclic_gc import no_cyclic_gc
from festival_cli.core.model import Lineup, Performance
from festival_cli.core.store import Store
from festival_cli.publish import page
from festival_cli.publish.atom import FEED_PATH, atom_feed
from festival_cli.publish.c3voc import schedules
from festival_cli.publish.folder import Made, Together, body_of, write_into
from festival_cli.publish.forked import Redo
from festival_cli.publish.ics import calendars
from festival_cli.publish.snapshot import Snapshot, read_snapshot

# Feeds are re-read by apps every few minutes: a minute of caching spares the origin without
# leaving anyone an hour behind; after it, a client revalidates with If-None-Match (ETag) and
# gets 304 when nothing changed (Giggity refreshes only from servers that answer 304).
CACHE_CONTROL = "public, max-age=60"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
}
SCHEDULE_JSON = "schedule.json"
SCHEDULE_XML = "schedule.xml"
INDEX_HTML = "index.html"
LINEUP_JSON = "lineup.json"


class SiteFile(NamedTuple):  # not a dataclass: see the package docstring
    """One file of the site: `path` relative to the site root, `/`-separated."""

    path: str
    body: bytes
    content_type: str
    cache_control: str = CACHE_CONTROL

    @property
    def etag(self) -> str:
        """The quoted MD5 of the body: what S3 gives an object put in one request, so a
        publisher can compare it with the stored object's and skip an unchanged file."""
        return f'"{hashlib.md5(self.body, usedforsecurity=False).hexdigest()}"'


def content_type(path: str) -> str:
    """The Content-Type of a site file, by its suffix."""
    return CONTENT_TYPES.get(Path(path).suffix, "application/octet-stream")


class Published(NamedTuple):
    """What `publish_to` wrote: the files' paths, and the snapshot they show."""

    files: list[str]
    site: Snapshot


def build_site(store: Store, festival: str | None = None, *, now: datetime | None = None,
               base_url: str | None = None) -> list[SiteFile]:
    """Every file of the site of one festival of `store`, by path. See the package docstring."""
    with no_cyclic_gc():  # reading and rendering: many objects, no cycles
        with store.reading():  # one state of the store (SQLite: one read transaction)
            site = read_snapshot(store, festival, now=now)
        return site_files(site, base_url=base_url)


def publish_to(directory: Path, store: Store, festival: str | None = None, *,
               now: datetime | None = None) -> Published:
    """Build the site of `store` and write it into `directory` (`festival publish DIR`): each
    file written as soon as it is made (`rendered`), so the site's 16 MB are not all held at
    once (a third fewer fresh pages for a 10,000-set festival).

    Its two halves are made side by side (publish/forked.py), and each reads the store itself
    when the store can be opened twice (`_ReadTwice`); else one read, here, serves both."""
    moment = now if now is not None else datetime.now(UTC)  # one moment for both halves
    with no_cyclic_gc():  # reading, rendering, writing: many objects, no cycles
        with store.reading() as state:
            pass
        if state is not None:
            twice = _ReadTwice(store, festival, moment, state)
            with contextlib.suppress(Redo):  # an upload landed between: read once, below
                written = write_into(directory, twice.mine(), also=twice.theirs)
                assert twice.site is not None  # mine() read it before its first file
                return Published(written, twice.site)
        with store.reading():  # one state of the store
            site = read_snapshot(store, festival, now=moment)
        written = write_into(directory, _schedules(site), also=lambda: _others(site))
    return Published(written, site)


class _ReadTwice:
    """The two halves of a publish each reading the store (the second through its own
    connection, `Store.reopened`), both in the state this process found before the fork.

    What it buys: a forked child that shares the snapshot shares the pages of its ~10,000 sets,
    and every page either process then touches is copied (reference counts are writes); the
    child that reads its own copies none, and reads while this process does: `festival publish
    DIR` of the 10,000-set benchmark lineup 226 -> 222 ms wall on tmpfs (medians of 15), 265
    -> 233 ms in /tmp (medians of 11, alternated).
    Its rule: each half reads inside `Store.reading` and compares the state it is given with
    `state`; any other state (an upload landed between) raises Redo, and the caller publishes
    again from one read, as it does for a store that cannot be opened twice."""

    def __init__(self, store: Store, festival: str | None, now: datetime, state: str) -> None:
        self.store, self.festival, self.now, self.state = store, festival, now, state
        self.site: Snapshot | None = None

    def mine(self) -> Iterator[Made]:
        """This process's half: read when the first file is asked for (after the fork)."""
        self.site = self._read(self.store)
        yield from _schedules(self.site)

    def theirs(self) -> Iterator[Made]:
        """The child's half, read through a connection of its own."""
        other = self.store.reopened()
        if other is None:
            raise Redo
        try:
            site = self._read(other)
        finally:
            other.close()
        return _others(site)

    def _read(self, store: Store) -> Snapshot:
        with store.reading() as state:
            if state != self.state:
                raise Redo
            return read_snapshot(store, self.festival, now=self.now)


def _files(made: Iterable[Made]) -> Iterator[SiteFile]:
    for item in made:
        if isinstance(item, Together):
            texts: list[list[str]] = [[] for _ in item.paths]
            for chunk in item.chunks:
                for text, more in zip(texts, chunk, strict=True):
                    text.append(more)
            yield from (SiteFile(path, body_of(text), content_type(path))
                        for path, text in zip(item.paths, texts, strict=True))
        else:
            path, content = item
            yield SiteFile(path, body_of(content), content_type(path))


def site_files(site: Snapshot, *, base_url: str | None = None) -> list[SiteFile]:
    """The files of a snapshot, in path order (the same snapshot gives the same bytes)."""
    return sorted(_files(rendered(site, base_url=base_url)), key=attrgetter("path"))


def rendered(site: Snapshot, *, base_url: str | None = None) -> Iterator[Made]:
    """Every file of a snapshot as made (publish/folder.py), each made when asked for, and
    what only it needed let go of as soon as it is made."""
    yield from _schedules(site, base_url=base_url)
    yield from _others(site, base_url=base_url)


def _schedules(site: Snapshot, *, base_url: str | None = None) -> Iterator[Made]:
    """The c3voc schedules and the page that shows one, made together (`c3voc.schedules`):
    about half of the work of a publish."""
    yield Together((SCHEDULE_JSON, INDEX_HTML, SCHEDULE_XML),
                   _embedding(schedules(site, version=version_of(site), base_url=base_url)))
    yield from ((name, page.asset(name)) for name in page.ASSETS if name != INDEX_HTML)


def _embedding(chunks: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str, str]]:
    """The schedules' chunks, (JSON, XML), with the page's between them: the JSON embedded."""
    before, after = page.around_schedule()
    yield "", before, ""
    for as_json, as_xml in chunks:
        yield as_json, page.escaped(as_json), as_xml
    yield "", after, ""


def _others(site: Snapshot, *, base_url: str | None = None) -> Iterator[Made]:
    """The lineup, the feed of changes and the calendars: the other half."""
    yield LINEUP_JSON, lineup_json(Lineup(site.sets, festival=site.festival,
                                          timezone=site.timezone), chronological=True)
    yield FEED_PATH, atom_feed(site, base_url=base_url)
    yield from calendars(site, stamp=site.updated)


def lineup_json(lineup: Lineup, *, chronological: bool = False) -> list[str]:
    """The lineup in format 1, compact, its text in pieces: joined, the very text of
    `json.dumps(lineup.to_document(), ensure_ascii=False)` (a test holds them equal).
    `chronological`: the lineup's sets are in that order already (a snapshot's), not sorted
    again (1.5 ms of 10,000 sets).

    Performance: each set's object is written directly (json's C string encoder for its names,
    each stage's once) instead of a dict per set for json.dumps: 5 ms instead of 19 for the
    10,000-set benchmark lineup. What surrounds the sets is `to_document`'s own.
    """
    empty = json.dumps(replace(lineup, performances=()).to_document(), ensure_ascii=False)
    stages: dict[str, str] = {}
    pieces = [empty[:-2]]
    sets = (lineup.performances if chronological
            else sorted(lineup.performances, key=Performance.chronological))
    for n, p in enumerate(sets):
        stage = stages.get(p.stage) or stages.setdefault(p.stage, encode_basestring(p.stage))
        score = "null" if p.popularity is None else int(p.popularity)
        pieces.append(f'{", " if n else ""}{{"performer": {encode_basestring(p.performer)}, '
                      f'"stage": {stage}, "date": "{p.date}", "start": "{p.start}", '
                      f'"end": "{p.end}", "popularity": {score}}}')
    assert empty.endswith("[]}")
    pieces.append("]}")
    return pieces


def version_of(site: Snapshot) -> str:
    """The schedule's version: when the lineup last changed (UTC) and a digest of every set's
    identity and change count (guid, sequence, cancelled), so it changes exactly when what the
    apps show does.

    Performance: each field of every set gathered in C (`map`, `join`, `repr`), not a line of
    text per set: 4.6 -> 2.2 ms for the 10,000-set benchmark lineup."""
    sets = (*site.sets, *site.cancelled)
    digest = hashlib.sha256("\n".join(map(_GUID, sets)).encode())  # a guid holds no newline
    digest.update(repr(list(map(_SEQUENCE, sets))).encode())
    digest.update(repr(list(map(_CANCELLED, sets))).encode())
    return f"{site.updated:%Y-%m-%d %H:%M} {digest.hexdigest()[:8]}"


_GUID, _SEQUENCE, _CANCELLED = attrgetter("guid"), attrgetter("sequence"), attrgetter("cancelled")


def write_site(files: Iterable[SiteFile], directory: Path, *,
               also: Callable[[], Iterable[SiteFile]] | None = None) -> list[str]:
    """Write the files under `directory` (created if missing), the site changing at once, as
    `folder.write_into` writes files as made (which says how, and what a failure leaves); `also`
    makes more, on the machine's second core. The paths of the files, in their order."""
    return write_into(directory, ((f.path, f.body) for f in files),
                      also=None if also is None else lambda: ((f.path, f.body) for f in also()))
