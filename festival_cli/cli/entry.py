"""The `festival` console script (and `python -m festival_cli`): the CLI imported, then run.

What it buys: importing the CLI (Typer, Click, our modules) makes ~100,000 objects that live
until the process ends, and allocating them sets Python's cyclic collector off ~30 times, each
pass walking objects that can never be freed. Here the collector is paused while the CLI is
imported, and what the imports made is then frozen (`gc.freeze`: kept out of every later pass)
before it runs again. Timed with `gc.callbacks`, the collections of a start went from ~5 ms
to ~1 ms: `festival --help` 71 -> 68 ms wall (see docs/performance.md).

Its rule: only here, around the imports, before any command runs: the collector is back on for
the command itself (core/cyclic_gc.py pauses it around the heavy work, as before). What is
frozen is the modules' own objects, which no command frees anyway.
"""

from __future__ import annotations

import gc

gc.disable()
try:
    from festival_cli.cli.app import main as _run
finally:
    gc.freeze()
    gc.enable()


def main() -> None:
    """Console-script entry point: `festival …`."""
    _run()
