"""`no_cyclic_gc()`: the one place festival pauses Python's cyclic garbage collector.

What it buys: a 100,000-record lineup is parsed into millions of small objects (a tuple per key
and value pair, strings, `Performance`s). Allocating them triggers the cyclic collector again and
again, and each of its passes walks every object still alive, all of them cycle-free: for
nothing. Paused, validating 100,000 records takes about a third less time, and ingesting them
into the local store about a fifth less (measured: docs/performance.md, "The collector").

Its rule: only around work that builds many objects and no reference cycles (parsing, checking,
planning, writing), bounded by one command or one file. Reference counting still frees every
object as usual; only cycles wait, and the collector runs again when the block ends. Nesting is
safe: the collector is re-enabled only by the block that paused it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic collector for the block (it was paused already: leave it so)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
