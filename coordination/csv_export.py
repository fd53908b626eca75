"""Writing CSV for download: one line at a time, every cell guarded against formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

# Spreadsheets treat a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """Defeat formula injection: a cell that a spreadsheet would run starts with a quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unescape_cell(value: str) -> str:
    """Undo ``escape_cell`` so an export imports back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text a line at a time, cells escaped against formulas, with a byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff"
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
