"""Excel workbooks of a report: the resultatfil (every numbered table laid out as printed, tidy
data sheets as Excel tables, the provenance sheet *Om rapporten*), by the ecosystem's conventions
(issue 14 item 5): percentages as fractions with a percent format, counts as integers, no numbers
stored as text.
"""
from __future__ import annotations

import re
from pathlib import Path


def write_report(report, path: str | Path, provenance: dict | None = None) -> Path:
    """A report's resultatfil at ``path``: the tables of its model (present.model.ReportModel, in
    the report's order, numbered as the report shows them), then ``excel_about()`` and
    ``data_sheets()`` (present.report.Report and its subclasses); ``provenance``: the stamp for
    *Om rapporten*."""
    return write_xlsx(report.model.tables, path, about=report.excel_about(), data=report.data_sheets(),
                      provenance=provenance)


def save_report(report, path: str | Path | None, provenance: dict | None = None) -> Path | None:
    """:func:`write_report` when a path is given (the notebooks' parameter ``xlsx_path``), else nothing."""
    return write_report(report, path, provenance) if path else None


def _cell_value(value):
    """Numbers stay numbers (whole floats as int); missing -> None; text as is."""
    import numbers

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


def numbers_not_text(wb, skip_rows: dict | None = None) -> None:
    """Digit-only text cells (a year or a number label written as text, e.g. "2022") become
    integers, so that Excel neither flags nor sorts them as text; ``skip_rows``: sheet title ->
    rows left as they are (an Excel table's header row must be text)."""
    for ws in wb.worksheets:
        skip = (skip_rows or {}).get(ws.title, ())
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if (isinstance(v, str) and v.isascii() and v.isdigit() and not (len(v) > 1 and v[0] == "0")
                        and cell.row not in skip):
                    cell.value = int(v)


def write_xlsx(tables, path: str | Path, about: dict | None = None, data: dict | None = None,
               provenance: dict | None = None) -> Path:
    """Every table on its own sheet (caption, header, rows, notes; number formats set), an
    index sheet first, optional tidy data sheets (name -> DataFrame) and, given a provenance
    stamp, the sheet *Om rapporten* last (provenance.add_sheet).

    Excel conventions: percentages are stored as fractions with a percent format (0.78 shown
    as "78 %"), counts as integers, no number as text; a data sheet's percent columns are those
    whose header ends with "(%)". Each data sheet is an Excel table (header row, autofilter).
    The report-layout sheets keep the printed table's caption, merged two-row headers, section
    rows and notes, which an Excel table cannot hold, and so are plain ranges."""
    from openpyxl import Workbook
    from openpyxl.styles import Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from finsam_lib.base.safe_output import excel_text_cells

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    index = wb.active
    index.title = "Innehåll"
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="D3DFEA")
    band = PatternFill("solid", fgColor="E9EFF5")
    rule = Border(bottom=Side(style="thin", color="0B4F7C"))
    index.append([(about or {}).get("Rapport", "Resultatfil")])
    index["A1"].font = Font(bold=True, size=14)
    for key, value in (about or {}).items():
        if key != "Rapport":
            index.append([key, _cell_value(value)])
    index.append([])
    index.append(["Blad", "Innehåll"])
    for c in index[index.max_row]:
        c.font, c.fill = bold, head_fill
    names = set()
    for t in tables:
        name = t.sheet_name
        while name in names:
            name = name[:28] + f"_{len(names)}"
        names.add(name)
        ws = wb.create_sheet(name)
        _write_table(ws, t, bold, head_fill, band, rule)
        index.append([name, t.caption])
        index.cell(index.max_row, 1).hyperlink = f"#'{name}'!A1"
        index.cell(index.max_row, 1).style = "Hyperlink"
    table_names: set[str] = set()
    header_rows = {}
    for name, frame in (data or {}).items():
        ws = wb.create_sheet(name[:31])
        ws.append([str(c) for c in frame.columns])
        for c in ws[1]:
            c.font = bold
        percent = [is_percent_column(c) for c in frame.columns]
        for row in frame.itertuples(index=False):
            ws.append([fraction(_cell_value(v)) if p else _cell_value(v) for v, p in zip(row, percent)])
        for j, col in enumerate(frame.columns, 1):
            fmt_ = PERCENT_FORMAT if percent[j - 1] else "#,##0" if is_count_column(col) else None
            if fmt_:
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt_
            ws.column_dimensions[get_column_letter(j)].width = max(10, len(str(col)) + 4)
        ws.freeze_panes = "A2"
        add_excel_table(ws, table_names)
        header_rows[ws.title] = (1,)
        index.append([ws.title, "Nyckeltal och fördelning för alla år, mått och grupper (tabellform)."])
    index.column_dimensions["A"].width = 26
    index.column_dimensions["B"].width = 100
    numbers_not_text(wb, header_rows)
    if provenance:
        from finsam_lib.publish.provenance import SHEET, add_sheet

        add_sheet(wb, provenance)
        index.append([SHEET, "Vilka registreringsfiler, vilken finsam och vilket kommando som gjorde filen."])
    excel_text_cells(wb)
    wb.save(path)
    return path


def _write_table(ws, t, bold, head_fill, band, rule) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from finsam_lib.present import tables as tb

    columns = t.excel_columns if t.excel_columns is not None else (
        ([tb.Column(t.n_key, "n")] if t.n_key else []) + t.columns)
    ws.append([t.caption])
    ws["A1"].font = Font(bold=True, size=12)
    two = any(isinstance(c.header, tuple) for c in columns)
    top = [t.label_header] + [c.header[0] if isinstance(c.header, tuple) else c.header for c in columns]
    ws.append(top)
    header_rows = [2]
    if two:
        ws.append([""] + [c.header[1] if isinstance(c.header, tuple) else "" for c in columns])
        header_rows.append(3)
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
                    ws.merge_cells(start_row=2, start_column=j + 2, end_row=2, end_column=k + 2)
                j = k + 1
            else:
                ws.merge_cells(start_row=2, start_column=j + 2, end_row=3, end_column=j + 2)
                j += 1
        ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    for r in header_rows:
        for cell in ws[r]:
            cell.font, cell.fill = bold, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="bottom",
                                       horizontal="left" if cell.column == 1 else "center")
    for pos, (_, row) in enumerate(t.rows.iterrows()):
        kind = row["kind"]
        label = str(row["label"])
        if kind == tb.SECTION:
            ws.append([label])
            r = ws.max_row
            ws.cell(r, 1).font = bold
            for j in range(1, len(columns) + 2):
                ws.cell(r, j).fill = band
            continue
        if kind == tb.MESSAGE:
            values = [row.get(c.key) if c.key == t.n_key else None for c in columns]
            first = next((j for j, c in enumerate(columns) if c.key != t.n_key), None)
            if first is not None:
                values[first] = row.get("message")
            ws.append([label] + [_cell_value(v) for v in values])
        else:
            ws.append([label] + [_cell_value(row.get(c.key)) for c in columns])
        r = ws.max_row
        fmts = {c.key: t.row_formats.get(pos, c.fmt) for c in columns}
        for j, c in enumerate(columns, 2):
            cell = ws.cell(r, j)
            if isinstance(cell.value, (int, float)):
                kind = fmts[c.key] if fmts[c.key] != "paren_pct" else "pct"
                if kind in tb.PERCENT_FORMATS:
                    cell.value = fraction(cell.value)
                cell.number_format = tb.FORMATS[kind][1]
                cell.alignment = Alignment(horizontal="right")
            elif c.fmt in ("text", "lines", "verdict") or isinstance(cell.value, str):
                cell.alignment = Alignment(wrap_text=True, vertical="top",
                                           horizontal="left" if c.fmt in ("text", "lines", "verdict") else "right")
            mark = t.marks.get((pos, c.key))
            if mark and isinstance(cell.value, (int, float)):  # "54 %*": the mark as literal text
                cell.number_format = f'{cell.number_format}"{mark}"'
        ws.cell(r, 1).alignment = Alignment(indent=2 if kind == tb.SUB else 0, wrap_text=True, vertical="top")
        if kind == tb.TOTAL:
            for j in range(1, len(columns) + 2):
                ws.cell(r, j).font = bold
                ws.cell(r, j).border = rule
    for note in t.notes:
        ws.append([])
        ws.append([note])
        ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=False)
    widest = max([len(str(x)) for x in t.rows["label"]] + [len(t.label_header), 12]) if len(t.rows) else 12
    ws.column_dimensions["A"].width = min(60, widest + 3)
    for j, c in enumerate(columns, 2):
        text = c.header[1] if isinstance(c.header, tuple) else c.header
        width = 55 if c.fmt in ("text", "lines") and c.key in ("text", "measures") else min(22, max(10, len(text) // 2 + 4))
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = ws.cell(header_rows[-1] + 1, 2)
