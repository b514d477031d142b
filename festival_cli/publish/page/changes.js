/* What changed since the last visit: the browser keeps the version it saw last; when the
 * schedule differs, the version before becomes the reference until "Mark all as seen". Sets
 * added, moved (another start or stage) or changed (length or title) are marked on the grid
 * and listed; sets gone are listed as cancelled.
 */
(() => {
  'use strict';
  const P = window.festivalPage;
  const { MIN, $, el, entry, describe, whenLabel, store } = P;

  let changes = new Map(); // guid -> 'new' | 'moved' | 'changed'
  let removed = []; // sets of the version seen before that are gone now

  // What the visitor saw: one line per set (guid, start minute, minutes, stage, title), kept as
  // one string, so that an unchanged schedule costs one string comparison.
  function snapshot() {
    const lines = [];
    for (const s of P.F.order) {
      lines.push([s.guid, s.start / MIN, s.len, s.stage, s.title].join('\t')
        .replace(/[\n\r]/g, ' '));
    }
    return lines.join('\n');
  }
  function parseSnapshot(text) {
    const sets = new Map();
    for (const line of text.split('\n')) {
      const [guid, at, len, stage, title] = line.split('\t');
      if (title !== undefined) sets.set(guid, { a: Number(at) * MIN, l: Number(len), s: stage, t: title });
    }
    return sets;
  }
  function compareWithLastVisit() {
    const F = P.F;
    const now = snapshot();
    const seen = store.get('seen', null);
    let before = null;
    if (typeof seen !== 'string') {
      store.set('seen', now);
    } else if (seen !== now) {
      store.set('before', seen);
      store.set('seen', now);
      before = seen;
    } else {
      before = store.get('before', null);
    }
    changes = new Map();
    removed = [];
    if (typeof before !== 'string') return;
    const old = parseSnapshot(before);
    for (const s of F.order) {
      const o = old.get(s.guid);
      if (!o) changes.set(s.guid, 'new');
      else if (o.a !== s.start || o.s !== s.stage) changes.set(s.guid, 'moved');
      else if (o.l !== s.len || o.t !== s.title) changes.set(s.guid, 'changed');
    }
    for (const [guid, o] of old) if (!F.sets.has(guid)) removed.push({ guid, ...o });
  }

  function drawChanges() {
    const items = [];
    const words = { new: 'New', moved: 'Moved', changed: 'Changed' };
    for (const s of P.F.order) {
      const kind = changes.get(s.guid);
      if (kind) items.push(entry(s, '· ' + words[kind] + ': now ' + describe(s)));
    }
    for (const r of removed) {
      items.push(entry({ title: r.t }, '· Cancelled: was ' + r.s + ', ' + whenLabel(r.a)));
    }
    const shown = items.slice(0, 50);
    if (items.length > shown.length) {
      shown.push(el('li', null, 'and ' + (items.length - shown.length) + ' more'));
    }
    $('changes-list').replaceChildren(...shown);
    $('changes').hidden = items.length === 0;
  }

  // "Mark all as seen": the marks go, until the next version.
  function markSeen() {
    store.del('before');
    changes = new Map();
    removed = [];
    P.redrawAll();
    drawChanges();
  }

  Object.assign(P, {
    changeOf: (guid) => changes.get(guid), compareWithLastVisit, drawChanges, markSeen,
  });
})();
