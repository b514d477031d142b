/* The festival timetable page: reads the c3voc schedule (embedded in index.html, or
 * schedule.json beside it) and draws it. No framework, no build step, no other host.
 * The DOM is built with DOM methods only (never from HTML strings): the page runs under
 * `require-trusted-types-for 'script'`.
 *
 * Classic scripts, run in order (`defer`), never ES modules: Chromium refuses module scripts
 * from file://, and the page must work opened from disk. They share one namespace,
 * `window.festivalPage`, which this first script makes; each adds what it owns:
 *   schedule.js  the schedule as a model, its time zone and labels, the clock, the storage
 *   grid.js      the days drawn (a grid of stages, a list per time slot on phones), the day shown
 *   now.js       the now-line, "on now" and "up next"
 *   picks.js     starred sets, their clashes, the .ics of them
 *   changes.js   what changed since the last visit
 *   app.js       search, loading the data, start-up wiring
 * A script reads another's names from the namespace when it runs them, not when it loads.
 *
 * Clock: `?now=2026-07-10T19:30:00+01:00` freezes the page's clock at that moment, and
 * `window.FESTIVAL_NOW` (milliseconds or an ISO string), when set, is read at every tick
 * (each 30 s, and `festivalPage.tick()`). All times are computed as instants and shown in the
 * festival's time zone (`time_zone_name` of the feed), whatever the visitor's zone is.
 */
(() => {
  'use strict';
  const P = (window.festivalPage = {});
  const MIN = 60000;
  const HOUR = 60 * MIN;
  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  // A list entry: the set's title in bold, then `text`.
  function entry(s, text) {
    const li = el('li');
    li.append(el('strong', null, s.title), ' ' + text);
    return li;
  }
  const pad = (n) => String(n).padStart(2, '0');
  const hm = (totalMin) => {
    const m = ((Math.round(totalMin) % 1440) + 1440) % 1440;
    return pad(Math.floor(m / 60)) + ':' + pad(m % 60);
  };
  const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

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
  const describe = (s) => s.stage + ', ' + whenLabel(s.start) + '–' + s.to;

  // ---- the browser's memory, kept per festival: picks and the last version seen ----------
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

  // The schedule `raw` (the parsed feed) becomes THE model, `festivalPage.F`.
  function read(raw) {
    F = model(raw);
    P.F = F;
    ns = 'festival:' + F.acronym + ':';
    fmtClock = formatter({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    fmtWhen = formatter({ weekday: 'short', hour: '2-digit', minute: '2-digit',
      hourCycle: 'h23' });
    return F;
  }

  Object.assign(P, {
    F, MIN, HOUR, $, el, entry, fold, clock, read, clockLabel, whenLabel, dateLabel, describe,
    store,
  });
})();
