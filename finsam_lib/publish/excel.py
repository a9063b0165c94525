"""Excel workbooks of a report: the resultatfil (every numbered table laid out as printed, tidy
data sheets as Excel tables, the provenance sheet *Om rapporten*), by the ecosystem's conventions
(issue 14 item 5): percentages as fractions with a percent format, counts as integers, no numbers
stored as text.
"""
from __future__ import annotations

import re
from pathlib import Path


def write_report(report, path: str | Path, provenance: dict | str | Path | None = None) -> Path:
    """A report's resultatfil at ``path``: the tables of its model (present.model.ReportModel, in
    the report's order, numbered as the report shows them), then ``excel_about()`` and
    ``data_sheets()`` (present.report.Report and its subclasses); ``provenance``: the stamp for
    *Om rapporten*, or the path of its JSON file (provenance.write_json: what finsam passes a
    notebook, see publish.publish_report)."""
    if provenance is not None and not isinstance(provenance, dict):
        from finsam_lib.publish.provenance import read_stamp

        stamp = read_stamp(provenance)
        if stamp is None:
            from finsam_lib.base.errors import InputError

            raise InputError(f"{provenance} är ingen provenansstämpel från finsam (en .provenance.json-fil).")
        provenance = stamp
    return write_xlsx(report.model.tables, path, about=report.excel_about(), data=report.data_sheets(),
                      provenance=provenance)


def save_report(report, path: str | Path | None, provenance: dict | str | Path | None = None) -> Path | None:
    """:func:`write_report` when a path is given (the notebooks' parameter ``xlsx_path``), else nothing."""
    return write_report(report, path, provenance) if path else None


def _cell_value(value):
    """Numbers stay numbers (whole floats as int); missing -> None; text as is."""
    import numbers

    kind = type(value)
    if kind is str or kind is int:  # the common cases first: a report writes thousands of cells
        return value
    if kind is float:
        return None if value != value else int(value) if value.is_integer() else value
    if value is None:
        return None
    if isinstance(value, str):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return int(value) if float(value).is_integer() else float(value)
    return str(value)


PERCENT_FORMAT = "0 %"  # Excel scales by 100: 0.78 shows as "78 %"


def is_percent_column(header) -> bool:
    """A data sheet column of percentages: its header ends with "(%)"."""
    return str(header).endswith("(%)")


def is_count_column(header) -> bool:
    """A data sheet column of counts: "n" or "n <something>" (e.g. "n föregående år")."""
    return str(header) == "n" or str(header).startswith("n ")


def fraction(value):
    """A percentage 0–100 as the fraction Excel's percent format expects (78 -> 0.78); other values as is."""
    import numbers

    return value / 100 if isinstance(value, numbers.Real) and not isinstance(value, bool) else value


def table_name(sheet: str, used: set[str]) -> str:
    """A valid, workbook-unique Excel table name from a sheet name ("Nyckeltal alla år" -> "Nyckeltal_alla_ar")."""
    import unicodedata

    ascii_ = unicodedata.normalize("NFKD", sheet).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9_]+", "_", ascii_).strip("_") or "Tabell"
    base = base if re.match(r"[A-Za-z_]", base) else f"T_{base}"
    name, k = base, 2
    while name.casefold() in {u.casefold() for u in used}:
        name, k = f"{base}_{k}", k + 1
    used.add(name)
    return name


def add_excel_table(ws, used: set[str]) -> None:
    """Make a tidy sheet (header in row 1, data below, nothing else) an Excel table (ListObject)
    with autofilter and banded rows; ``used``: the table names taken in the workbook."""
    from openpyxl.worksheet.table import Table, TableStyleInfo

    if ws.max_row < 2:  # a table needs at least one data row
        ws.append([None] * ws.max_column)
    table = Table(displayName=table_name(ws.title, used), ref=ws.dimensions)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)


def write_xlsx(tables, path: str | Path, about: dict | None = None, data: dict | None = None,
               provenance: dict | None = None) -> Path:
    """Every table on its own sheet (caption, header, rows, notes; number formats set), an
    index sheet first, optional tidy data sheets (name -> DataFrame) and, given a provenance
    stamp, the sheet *Om rapporten* last (provenance.add_sheet).

    Excel conventions: percentages are stored as fractions with a percent format (0.78 shown
    as "78 %"), counts as integers, no number as text (:func:`sheet_value`); a data sheet's
    percent columns are those whose header ends with "(%)". Each data sheet is an Excel table
    (header row, autofilter). The report-layout sheets keep the printed table's caption, merged
    two-row headers, section rows and notes, which an Excel table cannot hold, and so are plain
    ranges. Text is always written as text, never as a formula (base.safe_output).

    Written with XlsxWriter, which streams cells and styles straight to XML: the same workbook
    through openpyxl cost ≈ 0.2 s a report, most of it per-cell style objects (issue 15)."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "in_memory": True})
    style = Styles(wb)
    index = wb.add_worksheet("Innehåll")
    put(index, 0, 0, sheet_value((about or {}).get("Rapport", "Resultatfil")), style(bold=True, font_size=14))
    r = 1
    for key, value in (about or {}).items():
        if key != "Rapport":
            put(index, r, 0, sheet_value(key))
            put(index, r, 1, sheet_value(_cell_value(value)))
            r += 1
    r += 1
    for j, text in enumerate(["Blad", "Innehåll"]):
        put(index, r, j, text, style(bold=True, **HEAD_FILL))
    names = set()
    for t in tables:
        name = t.sheet_name
        while name in names:
            name = name[:28] + f"_{len(names)}"
        names.add(name)
        _write_table(wb.add_worksheet(name), t, style)
        r += 1
        index.write_url(r, 0, f"internal:'{name}'!A1", string=name)
        put(index, r, 1, sheet_value(t.caption))
    table_names: set[str] = set()
    for name, frame in (data or {}).items():
        ws = wb.add_worksheet(name[:31])
        _write_data_sheet(ws, frame, style, table_names)
        r += 1
        put(index, r, 0, sheet_value(ws.name))
        put(index, r, 1, "Nyckeltal och fördelning för alla år, mått och grupper (tabellform).")
    set_width(index, 0, 26)
    set_width(index, 1, 100)
    if provenance:
        from finsam_lib.publish.provenance import SHEET, add_sheet

        add_sheet(wb, provenance)
        put(index, r + 1, 0, SHEET)
        put(index, r + 1, 1, "Vilka registreringsfiler, vilken finsam och vilket kommando som gjorde filen.")
    wb.close()
    return path


HEAD_FILL = {"bg_color": "#D3DFEA", "pattern": 1}
BAND_FILL = {"bg_color": "#E9EFF5", "pattern": 1}
TOTAL_RULE = {"bold": True, "bottom": 1, "bottom_color": "#0B4F7C"}


class Styles:
    """XlsxWriter formats made once per workbook: ``styles(bold=True, align="right")`` gives the
    format of those properties (XlsxWriter's names), the same object each time; no properties ->
    None (the default style)."""

    def __init__(self, workbook):
        self.workbook, self.made = workbook, {}

    def __call__(self, **props):
        if not props:
            return None
        key = tuple(sorted(props.items()))
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = self.workbook.add_format(props)
        return found


def sheet_value(value):
    """A cell's value as the resultatfil stores it: digit-only text (a year or a number label,
    e.g. "2022"; not "007") as an integer, so that Excel neither flags nor sorts it as text;
    anything else as is."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and not (len(value) > 1 and value[0] == "0"):
        return int(value)
    return value


def put(ws, row: int, col: int, value, style=None) -> None:
    """One cell (0-based): text always as text (never a formula, base.safe_output), numbers as
    numbers, None as an empty cell that keeps ``style``."""
    if value is None or value == "":
        if style is not None:
            ws.write_blank(row, col, None, style)
    elif isinstance(value, str):
        ws.write_string(row, col, value, style)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, style)
    else:
        ws.write_number(row, col, value, style)


def set_width(ws, col: int, chars: float) -> None:
    """A column's width in characters, stored exactly as given (XlsxWriter's ``set_column`` adds
    its cell padding; 7 pixels a character is Calibri 11's digit width)."""
    ws.set_column_pixels(col, col, round(chars * 7))


def _write_data_sheet(ws, frame, style, table_names: set[str]) -> None:
    """A tidy frame as an Excel table: bold header, percent columns as fractions in percent
    format, count columns as "#,##0", the header row frozen."""
    percent = [is_percent_column(c) for c in frame.columns]
    formats = [style(num_format=PERCENT_FORMAT) if p else style(num_format="#,##0") if is_count_column(c) else None
               for c, p in zip(frame.columns, percent)]
    r = 0
    for r, row in enumerate(frame.itertuples(index=False), 1):
        for j, (v, p, f) in enumerate(zip(row, percent, formats)):
            v = _cell_value(v)
            put(ws, r, j, sheet_value(fraction(v) if p else v), f)
    bold = style(bold=True)
    columns = [{"header": str(c), "header_format": bold} for c in frame.columns]
    ws.add_table(0, 0, max(r, 1), len(columns) - 1, {"name": table_name(ws.name, table_names),
                                                       "style": "Table Style Light 9", "columns": columns})
    for j, col in enumerate(frame.columns):
        set_width(ws, j, max(10, len(str(col)) + 4))
    ws.freeze_panes(1, 0)


def _write_table(ws, t, style) -> None:
    """A numbered table as the report prints it (0-based rows: caption, one or two header rows,
    the rows, the notes)."""
    from finsam_lib.present import tables as tb

    columns = t.excel_columns if t.excel_columns is not None else (
        ([tb.Column(t.n_key, "n")] if t.n_key else []) + t.columns)
    width = len(columns) + 1
    put(ws, 0, 0, sheet_value(t.caption), style(bold=True, font_size=12))
    two = any(isinstance(c.header, tuple) for c in columns)
    head = [[t.label_header] + [c.header[0] if isinstance(c.header, tuple) else c.header for c in columns]]
    merges = []  # (first row, first col, last row, last col), 0-based
    if two:
        head.append([""] + [c.header[1] if isinstance(c.header, tuple) else "" for c in columns])
        # Merge a group's top cell over its columns; single headers over both rows.
        j = 0
        while j < len(columns):
            c = columns[j]
            if isinstance(c.header, tuple):
                k = j
                while k + 1 < len(columns) and isinstance(columns[k + 1].header, tuple) \
                        and columns[k + 1].header[0] == c.header[0]:
                    k += 1
                if k > j:
                    merges.append((1, j + 1, 1, k + 1))
                j = k + 1
            else:
                merges.append((1, j + 1, 2, j + 1))
                j += 1
        merges.append((1, 0, 2, 0))
    head_style = [style(bold=True, **HEAD_FILL, text_wrap=True, valign="bottom", align="left" if j == 0 else "center")
                  for j in range(2)]
    covered = {(r, j) for r0, j0, r1, j1 in merges for r in range(r0, r1 + 1) for j in range(j0, j1 + 1)}
    for r0, j0, r1, j1 in merges:
        ws.merge_range(r0, j0, r1, j1, sheet_value(head[r0 - 1][j0]), head_style[min(j0, 1)])
    for i, values in enumerate(head):
        for j, v in enumerate(values):
            if (i + 1, j) not in covered:
                put(ws, i + 1, j, sheet_value(v), head_style[min(j, 1)])
    r = len(head)
    band = style(**BAND_FILL)
    for pos, row in enumerate(t.records()):
        r += 1
        kind = row["kind"]
        label = sheet_value(str(row["label"]))
        if kind == tb.SECTION:
            put(ws, r, 0, label, style(bold=True, **BAND_FILL))
            for j in range(1, width):
                ws.write_blank(r, j, None, band)
            continue
        if kind == tb.MESSAGE:
            values = [row.get(c.key) if c.key == t.n_key else None for c in columns]
            first = next((j for j, c in enumerate(columns) if c.key != t.n_key), None)
            if first is not None:
                values[first] = row.get("message")
        else:
            values = [row.get(c.key) for c in columns]
        cells = []
        for c, v in zip(columns, values):
            v = _cell_value(v)
            props = {}
            if isinstance(v, (int, float)):
                kind_ = t.row_formats.get(pos, c.fmt)
                kind_ = "pct" if kind_ == "paren_pct" else kind_
                if kind_ in tb.PERCENT_FORMATS:
                    v = fraction(v)
                props = {"num_format": tb.FORMATS[kind_][1], "align": "right"}
                mark = t.marks.get((pos, c.key))
                if mark:  # "54 %*": the mark as literal text
                    props["num_format"] += f'"{mark}"'
            elif c.fmt in tb.TEXT_FORMATS or isinstance(v, str):
                props = {"text_wrap": True, "valign": "top", "align": "left" if c.fmt in tb.TEXT_FORMATS else "right"}
            cells.append((sheet_value(v), props))
        total = TOTAL_RULE if kind == tb.TOTAL else {}
        label_props = {"indent": 2} if kind == tb.SUB else {}
        put(ws, r, 0, label, style(**label_props, text_wrap=True, valign="top", **total))
        for j, (v, props) in enumerate(cells, 1):
            put(ws, r, j, v, style(**props, **total))
    for note in t.notes:
        r += 2
        put(ws, r, 0, sheet_value(note))
    widest = max([len(str(x)) for x in t.rows["label"]] + [len(t.label_header), 12]) if len(t.rows) else 12
    set_width(ws, 0, min(60, widest + 3))
    for j, c in enumerate(columns, 1):
        text = c.header[1] if isinstance(c.header, tuple) else c.header
        set_width(ws, j, 55 if c.fmt in ("text", "lines") and c.key in ("text", "measures")
                  else min(22, max(10, len(text) // 2 + 4)))
    ws.freeze_panes(len(head) + 1, 1)
