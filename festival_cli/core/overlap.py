"""`Meanwhile`: a caller's pure-Python work, run while a store waits on work outside Python.

What it buys: loading an empty local store, SQLite builds the three secondary indexes after the
sets are inserted (~175 ms for 100,000 sets), inside sqlite3 with the GIL released. An upload
also has Python work that needs the plan but not the store: making the sets' absolute times and
finding the file's warnings (~85 ms) and writing out its change list (~25 ms); and the rows
written, which only need freeing (~15 ms, `drop`). Run on a second thread during the index
builds, that work costs little wall time on a machine with two cores: a first upload of 100,000
sets, 1,193 -> 1,134 ms wall for the warnings and the changes, 1,200 -> 1,148 ms more for the
times and the rows (medians of 9 and 11, alternated; the CPU time is the same).

Its rule: the work touches nothing the store uses (no connection, no store method), only its own
data; it runs exactly once, on the second thread or, when the store has nothing to wait on, in
the caller's thread when the caller asks (`__call__`); its exception is raised in the caller.
The store's wait must release the GIL (a sqlite3 statement does), or the two only take turns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class Meanwhile:
    """`work`, run once: alongside a wait (`alongside`), or now (calling it)."""

    def __init__(self, work: Callable[[], None] | None = None) -> None:
        self._work = work

    def __call__(self) -> None:
        work, self._work = self._work, None
        if work is not None:
            work()

    @contextmanager
    def alongside(self, *, drop: list[Any] | None = None) -> Iterator[None]:
        """Run the work on a second thread while the body runs; wait for both. `drop`, a list
        the caller needs no more, is emptied there too: what only it held is freed meanwhile
        (100,000 rows of a bulk load: ~15 ms)."""
        if self._work is None and not drop:
            yield
            return
        failure: list[BaseException] = []

        def run() -> None:
            try:
                self()
            except BaseException as exc:  # raised again in the caller's thread, below
                failure.append(exc)
            finally:
                if drop is not None:
                    drop.clear()

        helper = threading.Thread(target=run, name="festival-meanwhile", daemon=True)
        helper.start()
        try:
            yield
        finally:
            helper.join()
        if failure:
            raise failure[0]
