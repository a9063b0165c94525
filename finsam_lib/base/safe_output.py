"""Text stays text in what finsam writes: Excel cells, CSV cells and file names.

A förbund or insats name comes from a registration file, so it may be anything a person (or
a script) typed, such as ``=HYPERLINK("http://x","y")``. openpyxl stores a str starting with
``=`` as a formula, and a spreadsheet opening a CSV file runs a cell starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return as one. The CSV rule is OWASP's ("CSV Injection"): such a
text cell is prefixed with a single quote. Numbers are never touched (``-3`` stays a number).
"""
from __future__ import annotations

import pandas as pd

CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def excel_row(ws, values: list) -> list:
    """A row for ``ws.append`` on a write-only sheet: a str starting with '=' becomes a text cell."""
    from openpyxl.cell import WriteOnlyCell

    out = []
    for v in values:
        if isinstance(v, str) and v.startswith("="):
            v = WriteOnlyCell(ws, value=v)
            v.data_type = "s"
        out.append(v)
    return out


def excel_text_cells(workbook) -> None:
    """Every cell of an openpyxl workbook that openpyxl took for a formula (a str starting with
    '=') is stored as the text it is. finsam never writes formulas on purpose. (Write-only
    sheets: use :func:`excel_row` while appending.)"""
    for ws in workbook.worksheets:
        if not hasattr(ws, "iter_rows"):
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def csv_text(value):
    """A CSV cell value: text starting with = + - @ tab or CR gets a leading ' (OWASP); anything
    else, numbers included, is returned unchanged."""
    if isinstance(value, str) and value.startswith(CSV_TRIGGERS):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are safe to open in a spreadsheet."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(csv_text)
    out.columns = [csv_text(c) for c in out.columns]
    return out
