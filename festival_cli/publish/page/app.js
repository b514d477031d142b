/* The page's start, last of its scripts (the others are described in schedule.js): search by
 * performer, the data loaded (embedded in index.html, else schedule.json beside it), everything
 * drawn once, and the events wired: the day in the URL, a phone turned, printing, the stars,
 * the buttons, and a tick every 30 s.
 */
(() => {
  'use strict';
  const P = window.festivalPage;
  const { $, fold } = P;

  // ---- search -----------------------------------------------------------------------------
  let query = '';
  // A set's title folded for search (accents and case ignored), made on the first search.
  const matches = (s) => (s.norm || (s.norm = fold(s.title))).includes(query);

  function search(value) {
    const F = P.F;
    query = fold(value.trim());
    P.redecorate();
    let total = 0;
    for (const day of F.days) {
      P.filterSlots(day);
      const n = query ? day.sets.filter(matches).length : 0;
      total += n;
      day.tab.lastChild.textContent = query ? ' (' + n + ')' : '';
    }
    $('search-count').textContent = !query ? ''
      : total === 1 ? '1 set matches' : total ? total + ' sets match' : 'No set matches';
  }

  Object.assign(P, {
    searching: () => query !== '',
    filteredOut: (s) => query !== '' && !matches(s),
  });

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
    const F = P.read(raw);
    document.title = F.title + ' · timetable';
    $('festival-title').textContent = F.title;
    $('status').textContent = F.sets.size + ' sets over ' + F.days.length + ' days'
      + (F.version ? ' · version ' + F.version : '');
    P.loadPicks();
    P.compareWithLastVisit();
    P.skeleton();
    P.showFromHash();
    P.drawNow();
    P.drawPicks();
    P.drawChanges();
    document.documentElement.dataset.ready = document.documentElement.dataset.ready || 'day';

    addEventListener('hashchange', P.showFromHash);
    P.phone.addEventListener('change', P.redrawAll);
    addEventListener('beforeprint', P.drawAll);
    $('search').addEventListener('input', (e) => search(e.target.value));
    $('download').addEventListener('click', P.download);
    $('seen').addEventListener('click', P.markSeen);
    document.addEventListener('click', (e) => {
      const star = e.target.closest('button.star');
      if (star) P.toggle(star.closest('[data-guid]').dataset.guid);
      const forget = e.target.closest('button[data-forget]');
      if (forget) P.toggle(forget.dataset.forget);
    });
    setInterval(P.tick, 30000);
  }

  load().then(start).catch((err) => {
    const status = $('status');
    status.textContent = 'The timetable could not be loaded: ' + err.message;
    status.classList.add('error');
    document.documentElement.dataset.ready = 'error';
  });
})();
