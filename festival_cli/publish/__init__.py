"""The published site of a lineup: the feeds apps read and the timetable page people open.

The API (stable: `festival publish` and the Lambda function build on it):

    from festival_cli.publish.site import SiteFile, build_site, write_site

    files = build_site(store, festival=None, *, now=None, base_url=None)  # -> list[SiteFile]
    write_site(files, Path("site"))                  # locally: every file into a folder

    from festival_cli.publish.layout import stack_site
    files = stack_site(store, festival=None, ...)    # a stack's site: every festival stored

- `build_site` reads `store` (any core Store, SQLite or DynamoDB) with Queries only, never a
  Scan: the register of stored dates, one `Date-Time` read per date, the recent ingestion
  records. It writes nothing. It publishes one festival (each set keeps the festival of the
  file that wrote it): `festival` names it ("" the sets of files that named none), needed
  only where the store holds several (an OptionError listing them otherwise; a name not held
  is a NotFoundError listing them); `now` (default: this moment) decides which cancelled
  sets' festival days have passed; `base_url` (the site's public URL, e.g. the stack's
  SiteUrl) makes the schedule's event and feed links absolute. An empty store is a
  NotFoundError.
- The same stored state gives the same bytes (no timestamp of the publishing itself), so the
  same ETags: republishing an unchanged lineup changes no file.
- `SiteFile(path, body, content_type, cache_control)`: `path` relative to the site root,
  `/`-separated; `content_type` with `charset=utf-8`; `cache_control` the short policy every
  file is served with (`public, max-age=60`); `etag` the quoted MD5 hex of the body, what S3
  gives an object put in one request (compare it to skip unchanged objects).

The files: `index.html` (+ `style.css`, its scripts, `icon.svg`: the page, publish.page, with the
schedule embedded), `schedule.xml` and `schedule.json` (c3voc: publish.c3voc), `lineup.json`
(format 1, re-importable), `festival.ics` and `stages/<stage-slug>.ics` (publish.ics),
`changes.atom` (publish.atom). What they read comes from one `Snapshot` (publish.snapshot).
`stack_site` lays out a stack's site (publish.layout): one festival at the root; several, each
in a folder named by its acronym, and the root the one whose last day is the latest.

Performance: the package's value types (`SiteFile`, `Snapshot`, `Published`, `Together`) are
NamedTuples, not dataclasses. Every `festival publish` imports them before it can fork, and a
dataclass takes ~0.5 ms to make at import (it compiles its methods), a NamedTuple ~0.06 ms:
~2 ms of a publish's start. Its rule: a value type of this package is a NamedTuple, so it is
immutable, compared by value, and changed with `_replace`.
"""
