"""Tables for people: Rich on a terminal, aligned plain text when piped, and what to do when a
table is wider than the output: drop the columns that matter least, or show each row as a block.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Collection, Sequence

from festival_cli.cli.console import answer, plain
from festival_cli.core.text import terminal_safe

NUMERIC = frozenset({"Popularity"})  # right-aligned columns


def text_width(text: str) -> int:
    """Terminal columns of `text` (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def plain_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *,
                numeric: Collection[str] = NUMERIC) -> str:
    """Columns aligned with spaces, the `numeric` ones to the right: readable, and easy to cut
    or awk."""
    widths = [text_width(h) for h in headers]
    for row in rows:
        widths = [max(w, text_width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = []
        for header, width, cell in zip(headers, widths, cells, strict=True):
            gap = " " * (width - text_width(cell))
            padded.append(gap + cell if header in numeric else cell + gap)
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), *(line(row) for row in rows)]) + "\n"


def output_width() -> int | None:
    """The columns an answer must fit: the terminal's, or `$COLUMNS` when piped (None: no
    limit, a script reads whole lines)."""
    if not plain(sys.stdout):
        from festival_cli.cli.console import out

        return out().width
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def table_width(headers: Sequence[str], rows: Sequence[Sequence[str]], *, boxed: bool) -> int:
    """Columns a table takes: plain (two spaces between columns) or Rich's (a rule and a space
    either side of each cell)."""
    widths = [max([text_width(h), *(text_width(r[i]) for r in rows)])
              for i, h in enumerate(headers)]
    gaps = 3 * len(widths) + 1 if boxed else 2 * (len(widths) - 1)
    return sum(widths) + gaps


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *,
          title: str | None = None, droppable: Sequence[str] = (),
          blocks: bool = False) -> None:
    """A table on stdout: Rich on a terminal, plain aligned text when piped or NO_COLOR.

    When it is wider than the output (`output_width`), the `droppable` columns go first, in
    that order; if it still does not fit and `blocks` is set, each row is shown as a block of
    `Header  value` lines instead, so no cell is ever squeezed empty. What is left is never cut.
    Control characters in a cell are spelled out (`\\x1b`) before the columns are measured.
    """
    rows = [[terminal_safe(cell) for cell in row] for row in rows]
    boxed = not plain(sys.stdout)
    width = output_width()
    if width is not None:
        for name in droppable:
            if table_width(headers, rows, boxed=boxed) <= width:
                break
            keep = [i for i, h in enumerate(headers) if h != name]
            headers = [headers[i] for i in keep]
            rows = [[row[i] for i in keep] for row in rows]
        if table_width(headers, rows, boxed=boxed) > width:
            if blocks:
                answer(block_text(headers, rows))
                return
            boxed = False  # plain lines: the terminal wraps them, nothing is cut
    if not boxed:
        answer(plain_table(headers, rows))
        return
    from rich.table import Table

    from festival_cli.cli.console import out

    grid = Table(title=title, title_justify="left", header_style="bold")
    for header in headers:
        grid.add_column(header, justify="right" if header in NUMERIC else "left",
                        no_wrap=True)
    for row in rows:
        grid.add_row(*row)
    out().print(grid)


def block_text(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """One block per row, `Header  value` a line, a blank line between blocks: readable at any
    width (a long value wraps as text does)."""
    label = max(text_width(h) for h in headers)
    blocks = ["\n".join(f"{h}{' ' * (label - text_width(h))}  {cell}"
                         for h, cell in zip(headers, row, strict=True) if cell)
              for row in rows]
    return "\n\n".join(blocks) + "\n"


