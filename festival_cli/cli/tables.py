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
    header_widths = _measured(headers)
    cell_widths = [_measured(row) for row in rows]
    return _plain_lines(headers, rows, _column_widths(header_widths, cell_widths),
                        header_widths, cell_widths, numeric)


def _measured(cells: Sequence[str]) -> list[int]:
    """The width of each cell: measured once, then reused by every step of a layout."""
    return [text_width(cell) for cell in cells]


def _column_widths(header_widths: Sequence[int],
                   cell_widths: Sequence[Sequence[int]]) -> list[int]:
    """Each column's width: its widest cell, header included."""
    return [max(column) for column in zip(header_widths, *cell_widths, strict=True)]


def _plain_lines(headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int],
                 header_widths: Sequence[int], cell_widths: Sequence[Sequence[int]],
                 numeric: Collection[str]) -> str:
    """`plain_table` of cells already measured: `widths` the columns', `header_widths[c]` and
    `cell_widths[r][c]` those of `headers[c]` and `rows[r][c]`."""
    right = [header in numeric for header in headers]

    def line(cells: Sequence[str], sizes: Sequence[int]) -> str:
        padded = []
        for to_right, width, cell, size in zip(right, widths, cells, sizes, strict=True):
            gap = " " * (width - size)
            padded.append(gap + cell if to_right else cell + gap)
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers, header_widths),
                      *(line(row, sizes) for row, sizes in zip(rows, cell_widths, strict=True))]
                     ) + "\n"


def output_width() -> int | None:
    """The columns an answer must fit: the terminal's, or `$COLUMNS` when piped (None: no
    limit, a script reads whole lines)."""
    if not plain(sys.stdout):
        from festival_cli.cli.console import out

        return out().width
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def span(widths: Sequence[int], *, boxed: bool) -> int:
    """Columns a table of columns this wide takes: plain (two spaces between columns) or
    Rich's (a rule and a space either side of each cell)."""
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
    # Every cell is measured once, here: deciding which columns fit, the form, and the padding
    # of plain lines reuse these widths (each check used to measure every cell again).
    header_widths = _measured(headers)
    cell_widths = [_measured(row) for row in rows]
    widths = _column_widths(header_widths, cell_widths)
    keep: Sequence[int] = range(len(headers))  # the columns shown
    boxed = not plain(sys.stdout)
    width = output_width()
    fits = True
    if width is not None:
        for name in droppable:
            if span([widths[i] for i in keep], boxed=boxed) <= width:
                break
            keep = [i for i in keep if headers[i] != name]
        fits = span([widths[i] for i in keep], boxed=boxed) <= width
    if len(keep) < len(headers):
        headers = [headers[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    if not fits:
        if blocks:
            answer(block_text(headers, rows))
            return
        boxed = False  # plain lines: the terminal wraps them, nothing is cut
    if not boxed:
        if len(keep) < len(widths):
            widths = [widths[i] for i in keep]
            header_widths = [header_widths[i] for i in keep]
            cell_widths = [[sizes[i] for i in keep] for sizes in cell_widths]
        answer(_plain_lines(headers, rows, widths, header_widths, cell_widths, NUMERIC))
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
    widths = _measured(headers)
    label = max(widths)
    labels = [f"{h}{' ' * (label - w)}  " for h, w in zip(headers, widths, strict=True)]
    blocks = ["\n".join(f"{name}{cell}" for name, cell in zip(labels, row, strict=True) if cell)
              for row in rows]
    return "\n\n".join(blocks) + "\n"


