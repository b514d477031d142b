"""`changes.atom`: an Atom 1.0 feed (RFC 4287) of what each changing ingestion changed.

One entry per ingestion that changed the lineup, newest first, the last 50; its content lists
the changes old -> new as the notification email does: the very lines the ingestion record
keeps (core.ingest.describe_changes), not written a second time here. Ids are stable
(`urn:uuid:` derived from the festival and the ingestion id), so a reader shows each entry once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from festival_cli.core.records import Ingestion
from festival_cli.publish.c3voc import acronym
from festival_cli.publish.c3voc import xml_text as escape
from festival_cli.publish.snapshot import Snapshot

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = "changes.atom"
NAMESPACE = uuid.UUID("c2f1d3a4-9e8b-4c7d-8f6e-5a4b3c2d1e0f")


def feed_id(site: Snapshot) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, acronym(site.festival))}"


def atom_feed(site: Snapshot, *, base_url: str | None = None) -> bytes:
    """The feed; links are relative to the site (absolute with `base_url`)."""
    root = base_url or ""
    title = site.festival or "Festival"
    out = ['<?xml version="1.0" encoding="utf-8"?>\n', f'<feed xmlns="{ATOM}">\n',
           f"  <id>{feed_id(site)}</id>\n",
           f"  <title>{escape(title)}: lineup changes</title>\n",
           f"  <updated>{_time(site.updated)}</updated>\n",
           f"  <author><name>{escape(title)}</name></author>\n",
           f'  <link rel="self" href="{escape(root + FEED_PATH)}"/>\n',
           f'  <link rel="alternate" type="text/html" href="{escape(root or "./")}"/>\n']
    out.extend(_entry(site, record) for record in site.changes)
    out.append("</feed>\n")
    return "".join(out).encode()


def _entry(site: Snapshot, record: Ingestion) -> str:
    when = _time(datetime.fromisoformat(record.finished or record.started))
    entry_id = uuid.uuid5(NAMESPACE, f"{acronym(site.festival)}\n{record.id}")
    lines = [f"<li>{escape(line)}</li>" for line in record.changes]
    if record.hidden("changes"):
        lines.append(f"<li>… and {record.hidden('changes')} more</li>")
    content = f"<ul>{''.join(lines)}</ul>" if lines else f"<p>{escape(record.summary())}</p>"
    return (f"  <entry>\n    <id>urn:uuid:{entry_id}</id>\n"
            f"    <title>{escape(record.file)}: {escape(record.summary())}</title>\n"
            f"    <updated>{when}</updated>\n"
            f"    <content type=\"html\">{escape(content)}</content>\n  </entry>\n")


def _time(moment: datetime) -> str:
    """RFC 3339 in UTC, to the second: `2026-07-10T18:00:00Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
