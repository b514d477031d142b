"""Drawing a `Timetable`: lines of styled segments, printed as plain text or with Rich styles.

One drawing serves both outputs, so the plain text a script or a golden file sees is exactly
the characters a terminal shows, only without colour. Every line of the grid is measured in
terminal cells (`rich.cells`), so wide (CJK) names stay aligned; names that do not fit are cut
with an ellipsis, and a grid that cannot fit the width at all is refused, never wrapped.

Stages across (default): one column per stage, a row per step, the time down the left. A set
starts with `┌` and its name, shows its times on the next row, and its bar `│` runs to its end.
Time across: one row per stage, `step`-minute slots across, a set starts with `│`.
Highlighted sets are drawn with heavy bars (`┏`, `┃`) and a `*` before the name.
"""

from __future__ import annotations

import unicodedata
from datetime import date as Date
from typing import TYPE_CHECKING, Literal

from rich.cells import cell_len, get_character_cell_size

from festival_cli.core.errors import UsageError
from festival_cli.core.text import terminal_safe
from festival_cli.core.timetable import Block, Clash, Timetable

if TYPE_CHECKING:  # pragma: no cover
    from rich.text import Text

Across = Literal["stages", "time"]
Segment = tuple[str, str]  # (text, style name: "" for none)
Line = list[Segment]

TIME_CELLS = 5  # `18:00`
MIN_COLUMN = 4  # a bar and three cells: `┌Au…`
MAX_SLOT = 8  # cells per step when time runs across: wider helps nobody
ELLIPSIS = "…"

# Style names used in the drawing, and what they look like on a terminal.
STAGE_PALETTE = ("cyan", "magenta", "green", "yellow", "blue", "red")
STYLES = {
    "title": "bold",
    "header": "bold",
    "time": "dim",
    "rule": "dim",
    "times": "dim",
    "highlight": "bold reverse",
    "clash": "bold red",
}


def draw(timetable: Timetable, *, width: int, across: Across = "stages") -> list[Line]:
    """The timetable as lines no wider than `width` cells (the clash list below may be)."""
    grid = (
        _draw_stages_across(timetable, width)
        if across == "stages"
        else _draw_time_across(timetable, width)
    )
    return [[(fit(_title(timetable), width).rstrip(), "title")], *grid, *_clash_lines(timetable)]


def to_plain(lines: list[Line]) -> str:
    """The drawing as text, trailing blanks removed from each line."""
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in lines)


def to_rich(lines: list[Line]) -> Text:
    """The drawing as one Rich `Text`, each segment in its style."""
    from rich.text import Text

    rows = []
    for line in lines:
        row = Text()
        for text, style in line:
            row.append(terminal_safe(text), style=_rich_style(style))
        row.rstrip()
        rows.append(row)
    return Text("\n").join(rows)


# -- cells ------------------------------------------------------------------------------------
def fit(text: str, cells: int) -> str:
    """`text` exactly `cells` terminal cells wide: padded, or cut with an ellipsis."""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    if cells <= 0:
        return ""
    size = cell_len(text)
    if size <= cells:
        return text + " " * (cells - size)
    kept: list[str] = []
    used = 0
    for ch in text:
        w = get_character_cell_size(ch)
        if used + w > cells - 1:
            break
        kept.append(ch)
        used += w
    # A wide character that did not fit leaves one cell: pad it so the line stays aligned.
    return "".join(kept) + ELLIPSIS + " " * (cells - 1 - used)


def label(block: Block, cells: int) -> str:
    """The performer, with popularity when it fits, and `*` when highlighted."""
    full = full_label(block)
    if cell_len(full) <= cells:
        return fit(full, cells)
    return fit(("*" if block.highlighted else "") + block.performance.performer, cells)


def full_label(block: Block) -> str:
    """`*Aurora Fields (87)`: the label with everything, when there is room for it."""
    p = block.performance
    shown = f"{p.performer} ({p.popularity})" if p.popularity is not None else p.performer
    return f"*{shown}" if block.highlighted else shown


def times(block: Block, cells: int) -> str:
    """`18:00–19:15`, or `–19:15` when that is all that fits."""
    p = block.performance
    full = f"{p.start}–{p.end}"
    return fit(full if len(full) <= cells else f"–{p.end}", cells)


# -- stages across, time down ------------------------------------------------------------------
def _draw_stages_across(tt: Timetable, width: int) -> list[Line]:
    widths = _fit_columns([_natural_column(tt, c) for c in range(len(tt.columns))],
                          width - TIME_CELLS, "stages")
    header: Line = [(" " * TIME_CELLS, "")]
    for stage, w in zip(tt.columns, widths, strict=True):
        header += [("  ", ""), (fit(stage.label, w - 1), "header")]
    total = TIME_CELLS + sum(w + 1 for w in widths)
    lines: list[Line] = [header, [("─" * total, "rule")]]

    cells: list[list[Segment]] = [[(" " * w, "")] * tt.row_count for w in widths]
    for block in tt.blocks:
        w = widths[block.column]
        style = _block_style(tt, block)
        top, bar = ("┏", "┃") if block.highlighted else ("┌", "│")
        drawn = cells[block.column]
        drawn[block.first_row] = (top + label(block, w - 1), style)
        # (the times row is drawn in the block's colour too: a block reads as one piece)
        for row in range(block.first_row + 1, block.end_row):
            text = times(block, w - 1) if row == block.first_row + 1 else fit("", w - 1)
            drawn[row] = (bar + text, style)
    for row in range(tt.row_count):
        line: Line = [(tt.row_time(row), "time")]
        for drawn in cells:
            line += [(" ", ""), drawn[row]]
        lines.append(line)
    return lines


def _natural_column(tt: Timetable, column: int) -> int:
    """Cells a column needs to show everything: its bar and its widest label."""
    needed = [cell_len(tt.columns[column].label), cell_len("00:00–00:00")]
    for block in tt.column_blocks(column):
        needed.append(cell_len(full_label(block)))
    return 1 + max(needed)


def _fit_columns(natural: list[int], room: int, across: Across) -> list[int]:
    """Column widths that fit `room` cells (a separator each): natural ones, or cut evenly."""
    room -= len(natural)  # the separators
    if sum(natural) <= room:
        return natural
    cap = max((c for c in range(MIN_COLUMN, max(natural) + 1)
               if sum(min(n, c) for n in natural) <= room), default=0)
    if cap == 0:
        needed = len(natural) * (MIN_COLUMN + 1) + (TIME_CELLS if across == "stages" else 0)
        raise UsageError(
            f"the timetable does not fit {room + len(natural) + TIME_CELLS} columns: "
            f"{len(natural)} stages need at least {needed}; show fewer with --stage, "
            "or give a larger --width"
        )
    return [min(n, cap) for n in natural]


# -- time across, stages down ------------------------------------------------------------------
def _draw_time_across(tt: Timetable, width: int) -> list[Line]:
    label_cells = min(max(cell_len(c.label) for c in tt.columns), max(MIN_COLUMN, width // 4))
    room = width - label_cells - 1
    slot = min(_natural_slot(tt), room // max(tt.row_count, 1))
    if slot < 1:
        raise UsageError(
            f"the timetable does not fit {width} columns: {tt.row_count} steps of {tt.step} "
            f"minutes need at least {label_cells + 1 + tt.row_count}; give a larger --step "
            "or --width, or use --across stages"
        )
    span = tt.row_count * slot
    lines: list[Line] = [
        [(" " * (label_cells + 1), ""), (_time_ruler(tt, slot, span), "time")],
        [("─" * (label_cells + 1 + span), "rule")],
    ]
    for index, column in enumerate(tt.columns):
        line: Line = [(fit(column.label, label_cells), "header"), (" ", "")]
        at = 0
        for block in tt.column_blocks(index):
            start, cells = block.first_row * slot, block.rows * slot
            if start > at:
                line.append((" " * (start - at), ""))
            bar = "┃" if block.highlighted else "│"
            line.append((bar + label(block, cells - 1), _block_style(tt, block)))
            at = start + cells
        line.append((" " * (span - at), ""))  # every line as wide as the ruler
        lines.append(line)
    return lines


def _natural_slot(tt: Timetable) -> int:
    """Cells per step so that every label fits its block (at most MAX_SLOT)."""
    slot = 1
    for block in tt.blocks:
        slot = max(slot, -(-(cell_len(full_label(block)) + 1) // block.rows))
    return min(slot, MAX_SLOT)


def _time_ruler(tt: Timetable, slot: int, span: int) -> str:
    """Clock times over the slots they start, on the hour where possible, never touching."""
    on_hour = [r for r in range(tt.row_count) if tt.row_time(r).endswith(":00")]
    candidates = on_hour or list(range(tt.row_count))
    ruler = [" "] * span
    free = 0
    for row in candidates:
        at = row * slot
        if at >= free and at + TIME_CELLS <= span:
            ruler[at:at + TIME_CELLS] = tt.row_time(row)
            free = at + TIME_CELLS + 1
    return "".join(ruler)


# -- around the grid ---------------------------------------------------------------------------
def _title(tt: Timetable) -> str:
    weekday = Date.fromisoformat(tt.date).strftime("%A")
    return f"{weekday} {tt.date}, day starts {tt.day_starts}"


def _clash_lines(tt: Timetable) -> list[Line]:
    if not tt.clashes:
        return []
    lines: list[Line] = [[("", "")], [(f"clashes between highlighted sets ({len(tt.clashes)}):",
                                       "clash")]]
    lines += [[("  " + describe_clash(c), "")] for c in tt.clashes]
    return lines


def describe_clash(clash: Clash) -> str:
    """`Aurora Fields (Main 18:00–19:15) and Neon Tide (Forest 19:00–20:00) overlap 15 min`."""
    a, b = clash.first, clash.second
    return (
        f"{a.performer} ({a.stage} {a.start}–{a.end}) and "
        f"{b.performer} ({b.stage} {b.start}–{b.end}) overlap {clash.overlap_minutes} min"
    )


def _block_style(tt: Timetable, block: Block) -> str:
    if block.highlighted:
        return "highlight"
    stages = list(dict.fromkeys(c.stage for c in tt.columns))
    return f"stage{stages.index(block.performance.stage) % len(STAGE_PALETTE)}"


def _rich_style(name: str) -> str:
    if name.startswith("stage"):
        return STAGE_PALETTE[int(name[5:])]
    return STYLES.get(name, "")
