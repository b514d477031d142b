"""The site as data: every file with its path, bytes, content type and caching (see __init__).

`build_site` reads the store once (publish.snapshot: Queries only) and renders every file from
that one snapshot; `write_site` puts them in a folder. Serving them (S3 + CloudFront in a stack,
any static server locally) is the caller's: each `SiteFile` carries what to send with it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from json.encoder import encode_basestring
from operator import attrgetter
from pathlib import Path

from festival_cli.core.cyclic_gc import no_cyclic_gc
from festival_cli.core.errors import UsageError
from festival_cli.core.model import Lineup, Performance
from festival_cli.core.store import Store
from festival_cli.publish.atom import FEED_PATH, atom_feed
from festival_cli.publish.c3voc import build_schedule, schedule_json, schedule_xml
from festival_cli.publish.forked import Aside, Redo, written_aside
from festival_cli.publish.ics import STAGES_FOLDER, calendars
from festival_cli.publish.page import page_contents
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
# A file as made: its bytes, or its text in pieces (a big document: joined only where it is
# needed whole, and written a piece at a time by a local publish: `_aside`).
Content = bytes | list[str]
SCHEDULE_JSON = "schedule.json"
SCHEDULE_XML = "schedule.xml"
LINEUP_JSON = "lineup.json"


@dataclass(frozen=True, slots=True)
class SiteFile:
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


@dataclass(frozen=True)
class Published:
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
                written = _write(twice.mine(), directory, also=twice.theirs)
                assert twice.site is not None  # mine() read it before its first file
                return Published(written, twice.site)
        with store.reading():  # one state of the store
            site = read_snapshot(store, festival, now=moment)
        written = _write(_schedules(site), directory, also=lambda: _others(site))
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

    def mine(self) -> Iterator[tuple[str, Content]]:
        """This process's half: read when the first file is asked for (after the fork)."""
        self.site = self._read(self.store)
        yield from _schedules(self.site)

    def theirs(self) -> Iterator[tuple[str, Content]]:
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


def _files(made: Iterable[tuple[str, Content]]) -> Iterator[SiteFile]:
    return (SiteFile(path, _bytes(content), content_type(path)) for path, content in made)


def _bytes(content: Content) -> bytes:
    return content if isinstance(content, bytes) else "".join(content).encode()


def site_files(site: Snapshot, *, base_url: str | None = None) -> list[SiteFile]:
    """The files of a snapshot, in path order (the same snapshot gives the same bytes)."""
    return sorted(_files(rendered(site, base_url=base_url)), key=attrgetter("path"))


def rendered(site: Snapshot, *, base_url: str | None = None,
             ) -> Iterator[tuple[str, Content]]:
    """(path, content) of every file of a snapshot, each made when asked for, and what only it
    needed let go of as soon as it is made."""
    yield from _schedules(site, base_url=base_url)
    yield from _others(site, base_url=base_url)


def _schedules(site: Snapshot, *, base_url: str | None = None,
               ) -> Iterator[tuple[str, Content]]:
    """The c3voc schedules and the page that shows one: about half of the work of a
    publish."""
    built = build_schedule(site, version=version_of(site), base_url=base_url)
    schedule = schedule_json(built)
    yield SCHEDULE_JSON, schedule
    yield from page_contents(schedule)
    del schedule
    yield SCHEDULE_XML, schedule_xml(built)


def _others(site: Snapshot, *, base_url: str | None = None) -> Iterator[tuple[str, Content]]:
    """The lineup, the feed of changes and the calendars: the other half."""
    yield LINEUP_JSON, lineup_json(Lineup(site.sets, festival=site.festival,
                                          timezone=site.timezone))
    yield FEED_PATH, atom_feed(site, base_url=base_url)
    yield from calendars(site, stamp=site.updated)


def lineup_json(lineup: Lineup) -> list[str]:
    """The lineup in format 1, compact, its text in pieces: joined, the very text of
    `json.dumps(lineup.to_document(), ensure_ascii=False)` (a test holds them equal).

    Performance: each set's object is written directly (json's C string encoder for its names,
    each stage's once) instead of a dict per set for json.dumps: 5 ms instead of 19 for the
    10,000-set benchmark lineup. What surrounds the sets is `to_document`'s own.
    """
    empty = json.dumps(replace(lineup, performances=()).to_document(), ensure_ascii=False)
    stages: dict[str, str] = {}
    pieces = [empty[:-2]]
    for n, p in enumerate(sorted(lineup.performances, key=Performance.chronological)):
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
    """Write the files under `directory` (created if missing), the site changing at once: every
    file whose bytes differ is first written aside, and only when all are written are they
    renamed over their targets (`_aside`). A file that has not changed is not touched.
    Calendars of stages that are gone are then removed from `stages/` (the site's own folder).
    A failure leaves the site as it was (the files written aside removed, and the folders
    this call made), but for the renames already done should one of those fail. The paths of
    the files, in their order.

    `also` makes more files, written the same way on the machine's second core while `files`
    are (publish/forked.py); their paths come after those of `files`."""
    return _write(((f.path, f.body) for f in files), directory,
                  also=None if also is None else lambda: ((f.path, f.body) for f in also()))


def _write(made: Iterable[tuple[str, Content]], directory: Path, *,
           also: Callable[[], Iterable[tuple[str, Content]]] | None = None) -> list[str]:
    """`write_site` of files as made, (path, content)."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: is a file; publish wants a folder")
    if not directory.exists():
        return _write_new(made, directory, also=also)
    root = os.fspath(directory)
    with written_aside(directory) as aside:
        wanted = aside.beside(lambda: write_aside(made, root),
                              None if also is None else lambda: write_aside(also(), root))
        aside.switch()
        stages = directory / STAGES_FOLDER
        if stages.is_dir():
            kept = set(wanted)
            for old in stages.glob("*.ics"):
                if f"{STAGES_FOLDER}/{old.name}" not in kept:
                    old.unlink()
    return wanted


def _write_new(made: Iterable[tuple[str, Content]], directory: Path, *,
               also: Callable[[], Iterable[tuple[str, Content]]] | None) -> list[str]:
    """`_write` into a folder that is not there yet: every file written straight into a folder
    of this process's own beside it, which is then renamed to `directory`. A reader finds no
    site, then all of it; a failure removes that folder, so nothing is left.

    What it buys: one rename instead of one per file (253 for the benchmark's lineup), and no
    look for an old file to compare: the renames are the last thing a publish does, after both
    halves. (Should the folder appear meanwhile, the rename fails unless it is empty, and the
    publish with it: nothing is replaced unseen.)"""
    os.makedirs(directory.parent, exist_ok=True)
    staging = os.fspath(directory.parent / f".{directory.name}.{os.getpid()}.publishing")
    with written_aside(directory) as aside:
        os.mkdir(staging)
        try:
            wanted = aside.beside(lambda: write_aside(made, staging, new=True),
                                  None if also is None else
                                  lambda: write_aside(also(), staging, new=True))
            try:
                os.rename(staging, directory)
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, os.fspath(directory)) from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return wanted


def write_aside(made: Iterable[tuple[str, Content]], root: str, *, new: bool = False) -> Aside:
    """Each file (path, content) whose bytes differ from its target's written aside: (every
    path, in order; (aside, target) of each written). On a failure, what it wrote aside is
    removed. Under a `new` root (`_write_new`'s own folder), each is written straight to its
    path."""
    wanted: list[str] = []
    aside: list[tuple[str, str]] = []
    try:
        folders: set[str] = set()
        for path, content in made:
            wanted.append(path)
            folder = os.path.join(root, os.path.dirname(path))
            if folder not in folders:  # once per folder, not per file
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            target = os.path.join(root, path)
            if new:
                _written(target, content)
            elif not _holds(target, content):
                aside.append((_aside(target, content), target))
    except BaseException:
        for temporary, _ in aside:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise
    return wanted, aside


def _holds(target: str, content: Content) -> bool:
    """Does `target` hold `content` already? Then it is left as it is (its time too: a static
    server's ETag made of size and time stays, and clients get 304s)."""
    with contextlib.suppress(OSError):
        size = os.stat(target).st_size  # none: a new file, its content never joined here
        body = _bytes(content)
        if size == len(body):
            with open(target, "rb") as held:
                return held.read() == body
    return False


def _aside(target: str, content: Content) -> str:
    """`content` written beside `target` under a name of this process's own: its path.

    The writing scheme, what it keeps and what it buys: every file is written aside and then
    renamed over its target (atomic), so a reader opens the old file or the new one, never half
    of one; the renames come after every file is written, so the site switches in one burst
    (the page and its schedule of the same publish) and a failure leaves it as it was. Nothing
    is fsynced (a flush per file would cost more than the rest of publishing): a crash can lose
    the newest publish, which publishing again writes (the same stored state gives the same
    bytes), and never leaves a half-written file in view. Plain `os` calls and one mkdir per
    folder, not pathlib per file: 248 files in 15 ms instead of 35 (the benchmark's site, on
    a quiet machine).

    Text in pieces is written `PIECES_JOINED` pieces at a time (~100 KB: below glibc's
    threshold for a fresh mapping, so each chunk reuses the memory of the one before): a big
    document is never joined whole, nor encoded whole. 3.6 MB in 2.8 ms instead of 6.8 (the
    fresh pages of the joined copy and of its encoding); `festival publish DIR` of the
    benchmark's lineup 218 -> 208 ms wall on tmpfs (medians of 15, alternated).
    """
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.publishing")
    _written(temporary, content)
    return temporary


def _written(path: str, content: Content) -> None:
    """`content` written to a new file at `path` (see `_aside`); removed should that fail."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)  # less the umask
    try:
        if isinstance(content, bytes):
            _write_all(fd, content)
        else:
            for start in range(0, len(content), PIECES_JOINED):
                _write_all(fd, "".join(content[start:start + PIECES_JOINED]).encode())
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)


PIECES_JOINED = 256  # pieces of text joined, encoded and written at once (`_aside`)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
