/* My picks: a star on a set keeps it in the browser (`festival:<acronym>:picks`, with its
 * title, stage and time, so a pick that disappears can still be named); picks that overlap are
 * clashes, flagged and listed; "Download my schedule" builds the picks' .ics in the browser,
 * its UIDs the feed's, so importing it beside the feed never doubles a set.
 */
(() => {
  'use strict';
  const P = window.festivalPage;
  const { $, el, entry, describe, whenLabel, store } = P;

  let picks = {}; // guid -> {t: title, s: stage, a: start ms, l: minutes}
  let clashing = new Set();
  let clashPairs = [];

  const remember = (s) => ({ t: s.title, s: s.stage, a: s.start, l: s.len });

  // The picks this browser kept for this festival, brought up to date with the schedule.
  function loadPicks() {
    picks = store.get('picks', {});
    for (const [guid, s] of P.F.sets) if (picks[guid]) picks[guid] = remember(s);
    if (Object.keys(picks).length) store.set('picks', picks);
    computeClashes();
  }

  function computeClashes() {
    const mine = P.F.order.filter((s) => picks[s.guid]);
    const pairs = [];
    for (let i = 0; i < mine.length; i += 1) {
      for (let j = i + 1; j < mine.length && mine[j].start < mine[i].end; j += 1) {
        pairs.push([mine[i], mine[j]]);
      }
    }
    clashPairs = pairs;
    clashing = new Set(pairs.flat().map((s) => s.guid));
  }

  function drawPicks() {
    const F = P.F;
    const mine = F.order.filter((s) => picks[s.guid]);
    const list = $('picks-list');
    list.replaceChildren(...mine.map((s) => {
      const li = entry(s, '· ' + describe(s));
      li.dataset.pick = s.guid;
      if (clashing.has(s.guid)) li.append(' ', el('span', 'clash-text', 'clash'));
      return li;
    }));
    $('picks-empty').hidden = mine.length > 0;
    $('download').disabled = mine.length === 0;
    $('clashes').hidden = clashPairs.length === 0;
    $('clash-list').replaceChildren(...clashPairs.map(([a, b]) => {
      const li = el('li');
      li.append(el('strong', null, a.title), ' (' + describe(a) + ') overlaps ',
        el('strong', null, b.title), ' (' + describe(b) + ')');
      return li;
    }));
    const gone = Object.entries(picks).filter(([guid]) => !F.sets.has(guid));
    $('cancelled').hidden = gone.length === 0;
    $('cancelled-list').replaceChildren(...gone.map(([guid, p]) => {
      const li = el('li');
      li.append(el('strong', null, p.t), ' was on ' + p.s + ', ' + whenLabel(p.a) + ' ');
      const forget = el('button', 'forget', 'Remove');
      forget.type = 'button';
      forget.dataset.forget = guid;
      forget.setAttribute('aria-label', 'Remove ' + p.t + ' from my picks');
      li.append(forget);
      return li;
    }));
  }

  // Star or unstar the set `guid` (a cancelled pick, gone from the schedule, is only removed).
  function toggle(guid) {
    const s = P.F.sets.get(guid);
    if (picks[guid]) delete picks[guid];
    else if (s) picks[guid] = remember(s);
    store.set('picks', picks);
    const before = clashing;
    computeClashes();
    P.redecorate(new Set([guid, ...before, ...clashing]));
    drawPicks();
  }

  // ---- the .ics of my picks ---------------------------------------------------------------
  function ics() {
    const F = P.F;
    const stamp = utc(Date.now());
    const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//festival//timetable page//EN',
      'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', 'X-WR-CALNAME:' + text(F.title + ' (my picks)')];
    for (const s of F.order.filter((x) => picks[x.guid])) {
      lines.push('BEGIN:VEVENT', 'UID:' + uidOf(s.guid), 'DTSTAMP:' + stamp,
        'DTSTART:' + utc(s.start), 'DTEND:' + utc(s.end), 'SUMMARY:' + text(s.title),
        'LOCATION:' + text(s.stage), 'END:VEVENT');
    }
    lines.push('END:VCALENDAR');
    return lines.map(foldLine).join('\r\n') + '\r\n';
  }
  // THE rule of `festival publish` (festival_cli/publish): a set's calendar UID from its guid.
  const uidOf = (guid) => guid + '@festival';
  const utc = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  const text = (t) => t.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,')
    .replace(/\r?\n/g, '\\n');
  function foldLine(line) {
    // RFC 5545: at most 75 octets a line, continued after CRLF + space; never inside a character.
    let out = '';
    let used = 0;
    for (const ch of line) {
      const cp = ch.codePointAt(0);
      const octets = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (used + octets > 75) {
        out += '\r\n ';
        used = 1;
      }
      out += ch;
      used += octets;
    }
    return out;
  }
  function download() {
    const blob = new Blob([ics()], { type: 'text/calendar;charset=utf-8' });
    const a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = P.F.acronym.replace(/[^A-Za-z0-9_-]+/g, '-') + '-my-picks.ics';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 30000);
  }

  Object.assign(P, {
    picked: (guid) => Boolean(picks[guid]), clashes: (guid) => clashing.has(guid), loadPicks,
    drawPicks, toggle, ics, download,
  });
})();
