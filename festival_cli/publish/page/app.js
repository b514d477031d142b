/* The festival timetable page: reads the c3voc schedule (embedded in index.html, or
 * schedule.json beside it) and draws it. No framework, no build step, no other host.
 * The DOM is built with DOM methods only (never from HTML strings): the page runs under
 * `require-trusted-types-for 'script'`.
 *
 * Clock: `?now=2026-07-10T19:30:00+01:00` freezes the page's clock at that moment, and
 * `window.FESTIVAL_NOW` (milliseconds or an ISO string), when set, is read at every tick
 * (each 30 s, and `festivalPage.tick()`). All times are computed as instants and shown in the
 * festival's time zone (`time_zone_name` of the feed), whatever the visitor's zone is.
 */
(() => {
  'use strict';
  const MIN = 60000;
  const HOUR = 60 * MIN;
  const PHONE = matchMedia('(max-width: 599px)');
  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  const pad = (n) => String(n).padStart(2, '0');
  const hm = (totalMin) => {
    const m = ((Math.round(totalMin) % 1440) + 1440) % 1440;
    return pad(Math.floor(m / 60)) + ':' + pad(m % 60);
  };
  const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  // A set's title folded for search (accents and case ignored), made on the first search.
  const matches = (s) => (s.norm || (s.norm = fold(s.title))).includes(query);

  function offsetOf(iso) {
    const m = /([+-])(\d\d):?(\d\d)$/.exec(iso || '');
    if (!m) return 0;
    const v = Number(m[2]) * 60 + Number(m[3]);
    return m[1] === '-' ? -v : v;
  }
  function minutesOf(duration) {
    const p = String(duration || '0:0').split(':').map(Number);
    return p.length >= 3 ? p[0] * 60 + p[1] + p[2] / 60 : p[0] * 60 + (p[1] || 0);
  }
  function clock() {
    const hook = window.FESTIVAL_NOW;
    if (hook !== undefined && hook !== null) {
      const t = typeof hook === 'number' ? hook : Date.parse(hook);
      if (!Number.isNaN(t)) return t;
    }
    const given = new URLSearchParams(location.search).get('now');
    if (given) {
      const t = Date.parse(given);
      if (!Number.isNaN(t)) return t;
    }
    return Date.now();
  }

  // ---- the schedule ---------------------------------------------------------------------
  let F = null; // {title, acronym, version, zone, days: [...], sets: Map, order: [...] }

  function model(raw) {
    const conf = raw.schedule.conference;
    const ranked = (conf.rooms || []).map((r) => r.name);
    const sets = new Map();
    const days = conf.days.map((d) => {
      const keys = Object.keys(d.rooms || {});
      const stages = ranked.filter((r) => keys.includes(r))
        .concat(keys.filter((k) => !ranked.includes(k)));
      const list = [];
      for (const stage of stages) {
        for (const ev of d.rooms[stage]) {
          const start = Date.parse(ev.date);
          const off = offsetOf(ev.date);
          const len = minutesOf(ev.duration);
          const s = {
            guid: String(ev.guid || ev.id), title: String(ev.title), stage, day: d.date,
            start, len, end: start + len * MIN, from: ev.start || hm(start / MIN + off),
            to: hm(start / MIN + off + len),
          };
          list.push(s);
          sets.set(s.guid, s);
        }
      }
      list.sort((a, b) => a.start - b.start);
      return {
        date: d.date, start: Date.parse(d.day_start), end: Date.parse(d.day_end),
        off: offsetOf(d.day_start), stages, sets: list, node: null,
      };
    });
    const order = [...sets.values()].sort((a, b) => a.start - b.start);
    return {
      title: conf.title || 'Timetable', acronym: conf.acronym || conf.title || 'festival',
      version: raw.schedule.version || '', zone: knownZone(conf.time_zone_name), days, sets,
      order,
    };
  }

  // Times are shown in the feed's `time_zone_name`; where it has none (or this browser does
  // not know it), an instant is shifted by the UTC offset of its festival day and shown as UTC.
  function knownZone(zone) {
    try {
      return zone ? new Intl.DateTimeFormat('en-GB', { timeZone: zone }) && zone : null;
    } catch (e) {
      return null;
    }
  }
  const formatter = (options) => new Intl.DateTimeFormat('en-GB',
    { ...options, timeZone: F.zone || 'UTC' });
  let fmtClock = null;
  let fmtWhen = null;
  function offsetAt(ms) {
    const day = F.days.find((d) => ms < d.end) || F.days[F.days.length - 1];
    return day ? day.off : 0;
  }
  const zoned = (ms) => (F.zone ? ms : ms + offsetAt(ms) * MIN);
  const clockLabel = (ms) => fmtClock.format(zoned(ms));
  const whenLabel = (ms) => fmtWhen.format(zoned(ms));
  const dateLabel = (date, long) => new Intl.DateTimeFormat('en-GB', long
    ? { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }
    : { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' })
    .format(Date.parse(date + 'T12:00:00Z'));

  // ---- the browser's memory: picks and the last version seen ----------------------------
  let ns = 'festival:';
  const store = {
    get(key, fallback) {
      try {
        const v = localStorage.getItem(ns + key);
        return v === null ? fallback : JSON.parse(v);
      } catch (e) {
        return fallback;
      }
    },
    set(key, value) {
      try {
        localStorage.setItem(ns + key, JSON.stringify(value));
      } catch (e) { /* storage full or disabled: the page still works for this visit */ }
    },
    del(key) {
      try {
        localStorage.removeItem(ns + key);
      } catch (e) { /* as above */ }
    },
  };

  let picks = {}; // guid -> {t: title, s: stage, a: start ms, l: minutes}
  let clashing = new Set();
  let clashPairs = [];
  let changes = new Map(); // guid -> 'new' | 'moved' | 'changed'
  let removed = []; // sets of the version seen before that are gone now

  const remember = (s) => ({ t: s.title, s: s.stage, a: s.start, l: s.len });

  function computeClashes() {
    const mine = F.order.filter((s) => picks[s.guid]);
    const pairs = [];
    for (let i = 0; i < mine.length; i += 1) {
      for (let j = i + 1; j < mine.length && mine[j].start < mine[i].end; j += 1) {
        pairs.push([mine[i], mine[j]]);
      }
    }
    clashPairs = pairs;
    clashing = new Set(pairs.flat().map((s) => s.guid));
  }

  // What the visitor saw: one line per set (guid, start minute, minutes, stage, title), kept as
  // one string, so that an unchanged schedule costs one string comparison.
  function snapshot() {
    const lines = [];
    for (const s of F.order) {
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

  // ---- drawing ----------------------------------------------------------------------------
  let registry = new Map(); // guid -> the elements that show that set
  let query = '';

  function decorate(li, s) {
    const picked = Boolean(picks[s.guid]);
    li.classList.toggle('picked', picked);
    li.classList.toggle('clash', clashing.has(s.guid));
    li.classList.toggle('filtered', query !== '' && !matches(s));
    const star = li.lastChild;
    star.setAttribute('aria-pressed', String(picked));
    star.textContent = picked ? '★' : '☆';
  }

  function setItem(s, at, withStage) {
    const li = el('li', 'set');
    li.dataset.guid = s.guid;
    if (at !== null) {
      li.style.setProperty('--at', at);
      li.style.setProperty('--len', s.len);
    }
    const change = changes.get(s.guid);
    if (change) {
      li.classList.add('changed-' + change);
      li.append(el('span', 'badge', change));
    }
    li.append(el('span', 'title', s.title),
      el('span', 'when', s.from + '–' + s.to + (withStage ? ' · ' + s.stage : '')));
    const star = el('button', 'star', '☆');
    star.type = 'button';
    star.setAttribute('aria-pressed', 'false');
    star.setAttribute('aria-label', 'Star ' + s.title + ', ' + s.from + ' ' + s.stage);
    li.append(star);
    if (picks[s.guid] || query) decorate(li, s);
    const seen = registry.get(s.guid);
    if (seen) seen.push(li);
    else registry.set(s.guid, [li]);
    return li;
  }

  // Sets overlapping on one stage (a lineup may have them) share its column side by side.
  function lanes(list) {
    let cluster = [];
    let ends = [];
    let until = -Infinity;
    const close = () => {
      for (const s of cluster) s.lanes = ends.length;
      cluster = [];
      ends = [];
    };
    for (const s of list) {
      if (s.start >= until) {
        close();
        until = -Infinity;
      }
      let lane = ends.findIndex((end) => end <= s.start);
      if (lane < 0) lane = ends.push(s.end) - 1;
      else ends[lane] = s.end;
      s.lane = lane;
      cluster.push(s);
      until = Math.max(until, s.end);
    }
    close();
  }

  function drawGrid(day, section) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of day.sets) {
      if (s.start < lo) lo = s.start;
      if (s.end > hi) hi = s.end;
    }
    const local = (ms) => ms / MIN + day.off;
    const top = (Math.floor(local(lo) / 60) * 60 - day.off) * MIN;
    const bottom = (Math.ceil(local(hi) / 60) * 60 - day.off) * MIN;
    day.top = top;
    day.bottom = bottom;
    const scroll = el('div', 'scroll');
    scroll.tabIndex = 0;
    scroll.setAttribute('role', 'region');
    scroll.setAttribute('aria-label', 'Timetable of ' + dateLabel(day.date, true));
    const grid = el('div', 'grid');
    grid.style.setProperty('--cols', day.stages.length);
    grid.style.setProperty('--span', (bottom - top) / MIN);
    const times = el('ol', 'times');
    times.setAttribute('aria-hidden', 'true');
    for (let t = top; t < bottom; t += HOUR) {
      const li = el('li', null, clockLabel(t));
      li.style.setProperty('--at', (t - top) / MIN);
      times.append(li);
    }
    grid.append(times);
    const columns = new Map(day.stages.map((name) => [name, el('ol')]));
    const byStage = new Map(day.stages.map((name) => [name, []]));
    for (const s of day.sets) byStage.get(s.stage).push(s);
    for (const list of byStage.values()) lanes(list);
    for (const s of day.sets) {
      const li = setItem(s, (s.start - top) / MIN);
      if (s.lanes > 1) {
        li.style.setProperty('--lane', s.lane);
        li.style.setProperty('--lanes', s.lanes);
      }
      columns.get(s.stage).append(li);
    }
    let column = 2; // explicit columns: the now-line spans them all in the same rows
    for (const [name, ol] of columns) {
      const col = el('section', 'stage');
      col.style.gridColumn = String(column);
      column += 1;
      col.append(el('h3', null, name), ol);
      grid.append(col);
    }
    const line = el('div', 'nowline');
    line.setAttribute('aria-hidden', 'true');
    line.hidden = true; // until placeNow() puts it where the clock says
    line.append(el('span'));
    day.line = line;
    grid.append(line);
    scroll.append(grid);
    section.append(scroll);
  }

  function drawList(day, section) {
    const slots = el('ol', 'slots');
    let slot = null;
    let at = null;
    for (const s of day.sets) {
      if (s.start !== at) {
        at = s.start;
        const li = el('li', 'slot');
        li.dataset.at = String(at);
        slot = el('ul');
        li.append(el('h3', null, s.from), slot);
        slots.append(li);
      }
      slot.append(setItem(s, null, true));
    }
    day.slots = slots;
    section.append(slots);
  }

  function drawDay(day) {
    const section = day.node;
    if (section.dataset.drawn === (PHONE.matches ? 'list' : 'grid')) return;
    section.replaceChildren();
    const h = el('h2', null, dateLabel(day.date, true));
    h.id = 'h-' + day.date;
    section.append(h);
    day.line = null;
    day.slots = null;
    if (!day.sets.length) section.append(el('p', 'empty', 'No sets on this day.'));
    else if (PHONE.matches) drawList(day, section);
    else drawGrid(day, section);
    section.dataset.drawn = PHONE.matches ? 'list' : 'grid';
    applyFilter(day);
  }

  function skeleton() {
    const box = $('timetable');
    box.replaceChildren();
    for (const day of F.days) {
      const section = el('section', 'day');
      section.id = 'day-' + day.date;
      section.setAttribute('aria-labelledby', 'h-' + day.date);
      section.hidden = true;
      day.node = section;
      box.append(section);
    }
    const nav = $('days');
    nav.replaceChildren();
    for (const day of F.days) {
      const a = el('a', null, dateLabel(day.date, false));
      a.href = '#day=' + day.date;
      a.append(el('span', 'count'));
      day.tab = a;
      const li = el('li');
      li.append(a);
      nav.append(li);
    }
  }

  // ---- the selected day -----------------------------------------------------------------
  let current = null;
  let drawnOnce = false;

  function dayFromHash() {
    const m = /(?:^#|&)day=(\d{4}-\d\d-\d\d)/.exec(location.hash);
    return m ? F.days.find((d) => d.date === m[1]) : undefined;
  }
  function defaultDay() {
    const now = clock();
    return F.days.find((d) => d.start <= now && now < d.end) || F.days[0];
  }

  function show(day) {
    if (!day) return;
    performance.mark('festival:draw-start');
    drawDay(day);
    for (const d of F.days) {
      d.node.hidden = d !== day;
      if (d === day) d.tab.setAttribute('aria-current', 'page');
      else d.tab.removeAttribute('aria-current');
    }
    current = day;
    placeNow();
    void document.body.offsetHeight; // the measure includes style and layout
    performance.mark('festival:draw-end');
    performance.measure('festival:draw', 'festival:draw-start', 'festival:draw-end');
    const mark = day.line && !day.line.hidden ? day.line.firstChild
      : day.slots && day.slots.querySelector('.nowmark');
    if (!drawnOnce && mark) {
      // Opened while the day is on: now in the middle of the screen.
      mark.scrollIntoView({ block: 'center' });
    }
    if (!drawnOnce) {
      // The first grid, from the data's text: parsing, the model, the last visit, the drawing.
      performance.measure('festival:first-grid', 'festival:data', 'festival:draw-end');
      drawnOnce = true;
      drawTheRest();
    }
  }

  // The other days are drawn after the first, a day per task, so printing finds every day.
  function drawTheRest() {
    const rest = F.days.filter((d) => !d.node.dataset.drawn);
    const next = () => {
      const day = rest.shift();
      if (!day) {
        document.documentElement.dataset.ready = 'all';
        return;
      }
      drawDay(day);
      setTimeout(next, 0);
    };
    setTimeout(next, 0);
  }

  function redrawAll() {
    registry = new Map();
    for (const day of F.days) {
      day.node.dataset.drawn = '';
      day.node.replaceChildren();
    }
    show(current);
    drawTheRest();
  }

  // ---- now and next -----------------------------------------------------------------------
  function placeNow() {
    const now = clock();
    for (const day of F.days) {
      if (day.line) {
        const inside = day.top <= now && now <= day.bottom;
        day.line.hidden = !inside;
        if (inside) day.line.firstChild.style.setProperty('--at', (now - day.top) / MIN);
      }
      if (day.slots) {
        const old = day.slots.querySelector('.nowmark');
        if (old) old.remove();
        if (day.start <= now && now < day.end) {
          const mark = el('li', 'nowmark', 'Now ' + clockLabel(now));
          const after = [...day.slots.children].find((li) => Number(li.dataset.at) > now);
          day.slots.insertBefore(mark, after || null);
        }
      }
    }
  }

  function entry(s, text) {
    const li = el('li');
    li.append(el('strong', null, s.title), ' ' + text);
    return li;
  }

  function drawNow() {
    const now = clock();
    $('now-clock').textContent = 'Festival time: ' + whenLabel(now)
      + (F.zone ? ' (' + F.zone + ')' : '');
    const on = F.order.filter((s) => s.start <= now && now < s.end);
    const nextByStage = new Map();
    for (const s of F.order) {
      if (s.start > now && !nextByStage.has(s.stage)) nextByStage.set(s.stage, s);
    }
    const nowList = $('now-list');
    nowList.replaceChildren(...on.map((s) => entry(s, '· ' + s.stage + ', until ' + s.to)));
    if (!on.length) nowList.append(el('li', 'empty', 'Nothing is on right now.'));
    const soon = [...nextByStage.values()].sort((a, b) => a.start - b.start);
    const nextList = $('next-list');
    nextList.replaceChildren(...soon.map((s) => entry(s, '· ' + s.stage + ', '
      + (s.start - now < 12 * HOUR ? s.from : whenLabel(s.start)))));
    if (!soon.length) nextList.append(el('li', 'empty', 'Nothing more to come.'));
  }

  function tick() {
    placeNow();
    drawNow();
  }

  // ---- my picks ---------------------------------------------------------------------------
  function describe(s) {
    return s.stage + ', ' + whenLabel(s.start) + '–' + s.to;
  }

  function drawPicks() {
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

  function toggle(guid) {
    const s = F.sets.get(guid);
    if (picks[guid]) delete picks[guid];
    else if (s) picks[guid] = remember(s);
    store.set('picks', picks);
    const before = clashing;
    computeClashes();
    for (const g of new Set([guid, ...before, ...clashing])) {
      const set = F.sets.get(g);
      for (const li of registry.get(g) || []) decorate(li, set);
    }
    drawPicks();
  }

  function ics() {
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
    a.download = F.acronym.replace(/[^A-Za-z0-9_-]+/g, '-') + '-my-picks.ics';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 30000);
  }

  // ---- what changed -------------------------------------------------------------------------
  function drawChanges() {
    const items = [];
    const words = { new: 'New', moved: 'Moved', changed: 'Changed' };
    for (const s of F.order) {
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

  // ---- search -----------------------------------------------------------------------------
  function applyFilter(day) {
    if (day.slots) {
      for (const slot of day.slots.children) {
        if (!slot.classList.contains('slot')) continue;
        slot.hidden = query !== '' && !slot.querySelector('.set:not(.filtered)');
      }
    }
  }
  function search(value) {
    query = fold(value.trim());
    for (const [guid, lis] of registry) {
      const s = F.sets.get(guid);
      for (const li of lis) decorate(li, s);
    }
    let total = 0;
    for (const day of F.days) {
      applyFilter(day);
      const n = query ? day.sets.filter(matches).length : 0;
      total += n;
      day.tab.lastChild.textContent = query ? ' (' + n + ')' : '';
    }
    $('search-count').textContent = !query ? ''
      : total === 1 ? '1 set matches' : total ? total + ' sets match' : 'No set matches';
  }

  // ---- start --------------------------------------------------------------------------------
  async function load() {
    const embedded = $('schedule-data');
    let text = embedded ? embedded.textContent : '';
    if (!text.trim()) {
      const response = await fetch('schedule.json', { cache: 'no-cache' });
      if (!response.ok) throw new Error('schedule.json: HTTP ' + response.status);
      text = await response.text();
    }
    performance.mark('festival:data');
    return JSON.parse(text);
  }

  function start(raw) {
    F = model(raw);
    ns = 'festival:' + F.acronym + ':';
    fmtClock = formatter({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    fmtWhen = formatter({ weekday: 'short', hour: '2-digit', minute: '2-digit',
      hourCycle: 'h23' });
    document.title = F.title + ' · timetable';
    $('festival-title').textContent = F.title;
    $('status').textContent = F.sets.size + ' sets over ' + F.days.length + ' days'
      + (F.version ? ' · version ' + F.version : '');
    picks = store.get('picks', {});
    for (const [guid, s] of F.sets) if (picks[guid]) picks[guid] = remember(s);
    if (Object.keys(picks).length) store.set('picks', picks);
    computeClashes();
    compareWithLastVisit();
    skeleton();
    show(dayFromHash() || defaultDay());
    drawNow();
    drawPicks();
    drawChanges();
    document.documentElement.dataset.ready = document.documentElement.dataset.ready || 'day';

    addEventListener('hashchange', () => show(dayFromHash() || current));
    PHONE.addEventListener('change', redrawAll);
    addEventListener('beforeprint', () => F.days.forEach(drawDay));
    $('search').addEventListener('input', (e) => search(e.target.value));
    $('download').addEventListener('click', download);
    $('seen').addEventListener('click', () => {
      store.del('before');
      changes = new Map();
      removed = [];
      redrawAll();
      drawChanges();
    });
    document.addEventListener('click', (e) => {
      const star = e.target.closest('button.star');
      if (star) toggle(star.closest('[data-guid]').dataset.guid);
      const forget = e.target.closest('button[data-forget]');
      if (forget) toggle(forget.dataset.forget);
    });
    setInterval(tick, 30000);
  }

  window.festivalPage = { tick, ics };
  load().then(start).catch((err) => {
    const status = $('status');
    status.textContent = 'The timetable could not be loaded: ' + err.message;
    status.classList.add('error');
    document.documentElement.dataset.ready = 'error';
  });
})();
