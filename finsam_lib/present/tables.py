"""The report's tables, built from figures frames, and their HTML rendering.

A :class:`ReportTable` holds raw values (numbers stay numbers) plus what a reader
needs to see them: headers, row kinds (section rows, indented sub-rows, totals),
formats and notes. ``to_html`` renders it in Swedish number style; the Excel
writer in ``publish`` writes the same table with number formats.

The national report's tables are built in :mod:`national_tables`, a förbund's in
:mod:`forbund_tables`; both take the frames of :mod:`figures` and never read files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
from markupsafe import Markup

from finsam_lib.base import format as fmt
from finsam_lib.instrument import definition as ins
from finsam_lib.present.templating import render

# Row kinds.
SECTION, ROW, SUB, TOTAL, MESSAGE = "section", "row", "sub", "total", "message"

# The long data sheets' Swedish headers (percent columns end with "(%)": publish.excel.is_percent_column).
KEYFIGURE_HEADERS = {
    "year": "År", "indicator": "Indikator", "survey": "Enkät", "version": "Enkätversion", "series": "Serie",
    "question": "Fråga", "key": "Nyckeltal avser", "group": "Grupp", "n": "n", "nyckeltal_pct": "Nyckeltal (%)",
    "nyckeltal_ci_low": "Nyckeltal, 95 % lägre gräns (%)", "nyckeltal_ci_high": "Nyckeltal, 95 % övre gräns (%)",
    "negativt_pct": "Negativt (%)", "varken_pct": "Varken eller (%)", "positivt_pct": "Positivt (%)",
    "klart_positivt_pct": "Klart positivt (%)"}

# How the report names the surveys in column headers.
SURVEY_HEADERS = ins.survey_words("header")
# How Bilaga 2 and the measure lists name a survey.
SURVEY_SHORT = ins.survey_words("measure_short")


@dataclass
class Column:
    """A value column: ``key`` in the rows frame, its header (a tuple for a
    two-level header) and its format (a name in FORMATS)."""
    key: str
    header: str | tuple[str, str]
    fmt: str = "int"


LONG_ROWS = 12  # print layout: longer tables may break between rows


@dataclass
class ReportTable:
    id: str  # html id and Excel sheet key, e.g. "tabell-5-1"
    number: str  # "5.1"; "" for tables without a number
    title: str
    rows: pd.DataFrame  # label, kind, and the columns' keys
    columns: list[Column]
    label_header: str = ""
    n_key: str | None = None  # appended to labels in HTML as "(n=…)"; its own column in Excel
    notes: list[str] = field(default_factory=list)
    marks: dict = field(default_factory=dict)  # (row position, key) -> mark such as "*"
    row_formats: dict = field(default_factory=dict)  # row position -> format overriding the columns'
    excel_columns: list[Column] | None = None
    sheet: str = ""
    long: bool = False  # may run over several pages
    wide_label: bool = False
    narrow_label: bool = False  # a short label column such as Nr or Kod

    @property
    def caption(self) -> str:
        return f"Tabell {self.number} {self.title}" if self.number else self.title

    @property
    def sheet_name(self) -> str:
        return (self.sheet or (f"Tabell {self.number}" if self.number else self.title))[:31]

    def records(self) -> list[dict]:
        """``rows.to_dict("records")``, made once per rows frame (the HTML and the Excel sheet both
        read every row). Read-only; a frame changed in place after the first call is not seen
        (replace ``rows`` instead)."""
        made = self.__dict__.get("_records")
        if made is None or made[0] is not self.rows:
            made = self.__dict__["_records"] = (self.rows, _records(self.rows))
        return made[1]

    def to_html(self) -> str:
        return table_html(self)

    def _repr_html_(self) -> str:
        return self.to_html()


def _paren(value) -> str:
    return f"({fmt.percent(value)})"


def interval_text(low, high, signed: bool = False) -> str:
    """A 95 % interval as the reports write it: ``(70–85)`` for a share, ``(−3 till +12)`` for a
    change in percentage points; '' when missing."""
    if fmt.missing(low) or fmt.missing(high):
        return ""
    if signed:
        return f"({fmt.signed(low)} till {fmt.signed(high)})"
    return f"({fmt.number(low)}{fmt.DASH}{fmt.number(high)})"


# name -> (html formatter of a number, Excel number format)
FORMATS: dict[str, tuple[Callable, str]] = {
    "int": (fmt.number, "#,##0"),
    "pct": (fmt.percent, "0 %"),  # Excel: the value / 100 (publish.fraction); "%" scales it back
    "paren_pct": (_paren, '"("0 %")"'),
    "signed": (fmt.signed, '+0;-0;"±"0'),
    "text": (lambda v: str(v), "@"),
    "lines": (lambda v: str(v), "@"),
    "verdict": (lambda v: str(v), "@"),
    # A number with its 95 % interval from the row's ``<key>_low`` and ``<key>_high`` (HTML only;
    # Excel gets the bounds as columns of their own).
    "pct_ci": (fmt.percent, "0 %"),
    "signed_ci": (fmt.signed, '+0;-0;"±"0'),
}


# The formats whose numbers are percentages 0–100 (stored in Excel as fractions).
PERCENT_FORMATS = {"pct", "paren_pct", "pct_ci"}


TEXT_FORMATS = ("text", "lines", "verdict")  # left-aligned, wrapping cells


@dataclass
class Cell:
    """A cell as the table template shows it: ``text`` (or ``lines``, one a line), a 95 % interval
    after it, details under it (a verdict's sum and threshold) and a mark such as ``*``."""
    text: str = ""
    lines: list[str] = field(default_factory=list)
    ci: str = ""
    details: list[str] = field(default_factory=list)
    mark: str = ""
    is_text: bool = False


def cell_view(value, column: Column, row=None) -> Cell:
    """A cell in Swedish number style: numbers formatted, strings (e.g. ``för få svar``) as they are,
    missing values as a dash (blank in text columns)."""
    row = row if row is not None else {}
    cell = Cell(is_text=column.fmt in TEXT_FORMATS)
    if column.fmt == "verdict":
        if not fmt.missing(value):
            cell.text = str(value)
            total, threshold = row.get(f"{column.key}_sum"), row.get(f"{column.key}_threshold")
            if not fmt.missing(total):
                cell.details.append(f"summa {fmt.signed(total)}, gräns ±{fmt.number(threshold)}")
            sure = row.get(f"{column.key}_sure")
            if not fmt.missing(sure) and sure:
                cell.details.append(str(sure))
    elif fmt.missing(value):
        cell.text = "" if column.fmt in ("text", "lines") else fmt.DASH
    elif isinstance(value, str):
        if column.fmt == "lines":
            cell.lines = value.split("\n")
        else:
            cell.text = value
    elif column.fmt in ("pct_ci", "signed_ci"):
        signed = column.fmt == "signed_ci"
        cell.text = (fmt.signed if signed else fmt.percent)(value)
        cell.ci = interval_text(row.get(f"{column.key}_low"), row.get(f"{column.key}_high"), signed)
    else:
        cell.text = FORMATS[column.fmt][0](value)
    return cell


def cell_text(value, column: Column, row=None) -> str:
    """A cell's text as a reader sees it (interval and details included), without markup."""
    c = cell_view(value, column, row)
    return " ".join(x for x in ["\n".join(c.lines) or c.text, c.ci, *c.details] if x)


def _th(c: Column) -> bool:
    return c.fmt in ("text", "lines")


def header_view(t: ReportTable) -> dict:
    """The header rows: ``top`` cells (text, scope, colspan, rowspan, is_text) and, for two-level
    headers, the ``bottom`` ones."""
    two = any(isinstance(c.header, tuple) for c in t.columns)
    if not two:
        return {"two": False, "top": [{"text": c.header, "scope": "col", "is_text": _th(c)} for c in t.columns],
                "bottom": []}
    top, bottom, i = [], [], 0
    while i < len(t.columns):
        c = t.columns[i]
        if isinstance(c.header, tuple):
            span = 1
            while (i + span < len(t.columns) and isinstance(t.columns[i + span].header, tuple)
                   and t.columns[i + span].header[0] == c.header[0]):
                span += 1
            top.append({"text": c.header[0], "scope": "colgroup", "colspan": span})
            bottom.extend({"text": x.header[1], "is_text": _th(x)} for x in t.columns[i:i + span])
            i += span
        else:
            top.append({"text": c.header, "scope": "col", "rowspan": 2, "is_text": _th(c)})
            i += 1
    return {"two": True, "top": top, "bottom": bottom}


def row_label(t: ReportTable, row) -> str:
    label = str(row["label"])
    if t.n_key and row["kind"] in (ROW, SUB, TOTAL, MESSAGE):
        label = fmt.n_label(label, row.get(t.n_key))
    return label


def body_view(t: ReportTable) -> list[dict]:
    """The body rows: kind, label, and the cells (:class:`Cell`) or a message."""
    out = []
    for pos, row in enumerate(t.records()):
        kind = row["kind"]
        if kind == SECTION:
            out.append({"kind": kind, "label": str(row["label"])})
            continue
        if kind == MESSAGE:
            out.append({"kind": kind, "label": row_label(t, row), "message": str(row.get("message", ""))})
            continue
        cells = []
        for c in t.columns:
            if pos in t.row_formats:
                c = Column(c.key, c.header, t.row_formats[pos])
            cell = cell_view(row.get(c.key), c, row)
            cell.is_text = c.fmt in TEXT_FORMATS
            mark = t.marks.get((pos, c.key))
            cell.mark = f"{fmt.NBSP}{mark}" if mark else ""
            cells.append(cell)
        out.append({"kind": kind, "label": row_label(t, row), "cells": cells})
    return out


def table_html(t: ReportTable) -> Markup:
    """The table as a ``<figure>`` (templates/report/table.html.j2). A table of more than
    LONG_ROWS rows may run over pages (between rows, the header repeats) rather than leave most
    of a page empty; a shorter one is kept whole (report.css)."""
    long = t.long or len(t.rows) > LONG_ROWS
    classes = (["report-table"] + (["long"] if long else []) + (["wide-label"] if t.wide_label else [])
               + (["narrow-label"] if t.narrow_label else []))
    return Markup(render("report/table.html.j2", t=t, classes=" ".join(classes), header=header_view(t),
                  rows=body_view(t), ncols=len(t.columns)))


_PLAIN = {str, int, float, bool, type(None)}


def _records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")``: for a frame of Python objects (what :func:`_frame` makes) its
    values as they are, which is what to_dict gives them (it boxes numpy scalars only), without
    its look-up of every column per row; any other frame through to_dict."""
    if all(pd.api.types.is_object_dtype(dtype) for dtype in frame.dtypes):
        values = frame.to_numpy(dtype=object).tolist()
        if all(type(v) in _PLAIN for row in values for v in row):
            columns = frame.columns.tolist()
            return [dict(zip(columns, row)) for row in values]
    return frame.to_dict("records")


def _frame(rows: list[dict]) -> pd.DataFrame:
    """The rows (dicts; a key left out is a missing value) as a frame of Python objects, missing
    values (None, NaN, NA) as None: what ``pd.DataFrame(rows)`` makes of them (columns in order
    of first appearance, each column's type inferred), as Python objects.

    Rows of plain values (str, int, float, bool, None: what the tables build) are converted here
    by pandas's rules for such columns (:func:`_column`), without building the frame twice: 20
    calls a förbund report, 19 ms of its 250 (issue 15); anything else goes through pandas."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    if columns and all(type(v) in _PLAIN for row in rows for v in row.values()):
        made = [_column([row.get(c) for row in rows]) for c in columns]
        if all(col is not None for col in made):
            values = np.empty((len(rows), len(columns)), dtype=object)
            for j, col in enumerate(made):
                values[:, j] = col
            return pd.DataFrame(values, columns=columns, dtype=object)
    return _frame_by_pandas(rows)


def _column(values: list) -> list | None:
    """One column of plain values as ``pd.DataFrame`` infers and :func:`_frame` returns it: whole
    numbers alone stay ints, whole numbers with decimals or a missing value become floats (the
    column is float64), bools alone stay bools, any other mix keeps its values; NaN and None are
    None. None where pandas might choose otherwise (a whole number beyond int64)."""
    kinds = {type(v) for v in values} - {type(None)}
    if int in kinds and any(type(v) is int and not -2 ** 63 <= v < 2 ** 63 for v in values):
        return None
    missing = [v is None or (type(v) is float and v != v) for v in values]
    if kinds and kinds <= {int, float} and (float in kinds or any(missing)):
        return [None if m else float(v) for v, m in zip(values, missing)]
    return [None if m else v for v, m in zip(values, missing)]


def _frame_by_pandas(rows: list[dict]) -> pd.DataFrame:
    """:func:`_frame` through pandas: the frame built, its values as objects, missing ones None."""
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["label", "kind"])
    values = frame.to_numpy(dtype=object, copy=True)  # as frame.astype(object), without a frame per step
    values[frame.isna().to_numpy()] = None
    return pd.DataFrame(values, index=frame.index, columns=frame.columns, dtype=object)
