/* Now and next, in festival time: the line across a day's grid at the clock's time (a "Now"
 * mark in the phone list), "On now" (every set playing) and "Up next" (each stage's next set).
 * `festivalPage.tick()` redraws them from the clock; the page ticks every 30 s.
 */
(() => {
  'use strict';
  const P = window.festivalPage;
  const { MIN, HOUR, $, el, entry, clock, clockLabel, whenLabel } = P;

  function placeNow() {
    const now = clock();
    for (const day of P.F.days) {
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

  function drawNow() {
    const F = P.F;
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

  Object.assign(P, { placeNow, drawNow, tick });
})();
