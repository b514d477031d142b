/* The days drawn: a tab and a section per festival day; on a wide screen a grid (stages as
 * columns, time down, each set as long as it lasts), under 600 px a list per time slot. And the
 * day shown: the one the URL names (#day=YYYY-MM-DD), else the one on now, else the first.
 * Every element showing a set is registered, so a star or a search redecorates it in place.
 */
(() => {
  'use strict';
  const P = window.festivalPage;
  const { MIN, HOUR, $, el, clock, clockLabel, dateLabel } = P;
  const PHONE = matchMedia('(max-width: 599px)');

  let registry = new Map(); // guid -> the elements that show that set

  function decorate(li, s) {
    const picked = P.picked(s.guid);
    li.classList.toggle('picked', picked);
    li.classList.toggle('clash', P.clashes(s.guid));
    li.classList.toggle('filtered', P.filteredOut(s));
    const star = li.lastChild;
    star.setAttribute('aria-pressed', String(picked));
    star.textContent = picked ? '★' : '☆';
  }

  // The elements of the sets `guids` (of every set when none is given) decorated anew.
  function redecorate(guids) {
    for (const g of guids || registry.keys()) {
      const s = P.F.sets.get(g);
      for (const li of registry.get(g) || []) decorate(li, s);
    }
  }

  function setItem(s, at, withStage) {
    const li = el('li', 'set');
    li.dataset.guid = s.guid;
    if (at !== null) {
      li.style.setProperty('--at', at);
      li.style.setProperty('--len', s.len);
    }
    const change = P.changeOf(s.guid);
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
    if (P.picked(s.guid) || P.searching()) decorate(li, s);
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

  // On phones, a time slot none of whose sets matches the search is hidden whole.
  function filterSlots(day) {
    if (day.slots) {
      for (const slot of day.slots.children) {
        if (!slot.classList.contains('slot')) continue;
        slot.hidden = P.searching() && !slot.querySelector('.set:not(.filtered)');
      }
    }
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
    filterSlots(day);
  }

  function skeleton() {
    const box = $('timetable');
    box.replaceChildren();
    for (const day of P.F.days) {
      const section = el('section', 'day');
      section.id = 'day-' + day.date;
      section.setAttribute('aria-labelledby', 'h-' + day.date);
      section.hidden = true;
      day.node = section;
      box.append(section);
    }
    const nav = $('days');
    nav.replaceChildren();
    for (const day of P.F.days) {
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
    return m ? P.F.days.find((d) => d.date === m[1]) : undefined;
  }
  function defaultDay() {
    const now = clock();
    return P.F.days.find((d) => d.start <= now && now < d.end) || P.F.days[0];
  }
  // The day the URL names; else the day shown, or at first the default day.
  const showFromHash = () => show(dayFromHash() || current || defaultDay());

  function show(day) {
    if (!day) return;
    performance.mark('festival:draw-start');
    drawDay(day);
    for (const d of P.F.days) {
      d.node.hidden = d !== day;
      if (d === day) d.tab.setAttribute('aria-current', 'page');
      else d.tab.removeAttribute('aria-current');
    }
    current = day;
    P.placeNow();
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
    const rest = P.F.days.filter((d) => !d.node.dataset.drawn);
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
    for (const day of P.F.days) {
      day.node.dataset.drawn = '';
      day.node.replaceChildren();
    }
    show(current);
    drawTheRest();
  }

  Object.assign(P, {
    phone: PHONE, redecorate, filterSlots, skeleton, showFromHash, redrawAll,
    drawAll: () => P.F.days.forEach(drawDay),
  });
})();
