"""Reading a workbook's sheets as bounded rows, with the cells a person did not type marked.

python-calamine (the value reader: .xlsx, .xlsm, .xls, .ods) reads an Excel error value
(``#N/A``, ``#REF!`` …) and a formula without a stored result as a blank cell, refuses newer
error values (``#SPILL!``) altogether, and allocates a sheet's whole used range, even when one
stray space in XFD1048576 makes that range 17 billion cells (the Rust process aborts). So each
workbook is first scanned for:

- every error value and every formula without a stored value: these cells are put into the
  rows as :class:`Fault` strings, so whatever reads them gets an error naming the cell;
- every formula with a stored value (read as that value; its text is kept so that a totals
  row made of ``=AVERAGE(D2:D11)`` can be told from a respondent);
- the extent of the cells present. A sheet beyond :data:`MAX_CELLS` is, for .xlsx/.xlsm,
  trimmed to the last row and column holding a value (whitespace is not a value) before
  calamine reads it, and refused with a Swedish message naming the far cell when its values
  themselves reach that far (always for .xls and .ods).

How: .xlsx/.xlsm by regular expressions over each worksheet's XML (only error and formula
cells are parsed; one expat pass over every cell when the extent is beyond the ceiling);
.xls with xlrd; .ods by one expat pass over content.xml (repeats counted, not expanded). The scanners
are in :mod:`scans`; this module reads the values and puts the scans' marks into them.

Spec: registration-file.md, "Cells a person did not type".
"""
from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

import python_calamine

from finsam_lib.base.problems import cell_name
from finsam_lib.registration.scans import (
    SheetTooLarge,
    _blank_strings,
    quick_scan,
    scan_ods,
    scan_sheet,
    scan_xls,
    sheet_parts,
    trim_sheet_xml,
)

XML_SUFFIXES = {".xlsx", ".xlsm"}
READ_SUFFIXES = XML_SUFFIXES | {".xls", ".ods"}
MAX_CELLS = 2_000_000  # rows x columns a sheet may span once trimmed (~100 MB at most)
MAX_XML = 64 * 2 ** 20  # a worksheet's XML kept in memory to trim it


def _too_far(sheet: str, scan_last: tuple) -> SheetTooLarge:
    cell = cell_name(*scan_last)
    return SheetTooLarge(f"Bladet '{sheet}' har något (kanske bara ett mellanslag) ända ut i cell {cell}; så "
                         "stora blad läses inte. Ta bort det som står långt från svaren (markera raderna och "
                         "kolumnerna efter dem, Ta bort) och spara filen.", sheet, cell)


@dataclass
class Sheets:
    """A workbook's sheets: rows (lists of cell values, trailing blanks cut, Fault in place of
    error values and uncalculated formulas) and, for .xlsx/.xlsm, the formulas with stored values."""
    rows: dict  # sheet name -> list[list]
    formulas: dict  # sheet name -> {(row, col): "=AVERAGE(D2:D11)"}


def _trimmed_rows(table: list[list]) -> list[list]:
    def blank(v):
        return v is None or (isinstance(v, str) and not v.strip())

    rows = []
    for row in table:
        end = len(row)
        while end and blank(row[end - 1]):
            end -= 1
        rows.append(list(row[:end]))
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _calamine_rows(book, name: str, limit: tuple | None = None) -> list[list]:
    sheet = book.get_sheet_by_name(name)
    end_row, end_col = sheet.end or (0, 0)
    if sheet.height and sheet.width and (end_row + 1) * (end_col + 1) > MAX_CELLS and limit is None:
        raise _too_far(name, (end_row, end_col))
    return _trimmed_rows(sheet.to_python(skip_empty_area=False))


def read_sheets(path) -> Sheets:
    """Every sheet of a workbook, read within the memory ceiling.

    Raises SheetTooLarge (Swedish message naming the sheet and cell) when a sheet holds values
    too far out, and whatever the readers raise for a file that is not a workbook.
    """
    from pathlib import Path
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in XML_SUFFIXES:
        scans = scan_ods(path) if suffix == ".ods" else scan_xls(path) if suffix == ".xls" else {}
        for name, scan in scans.items():  # calamine would allocate this whole range: refuse first
            if scan.all_rows * scan.all_cols > MAX_CELLS:
                raise _too_far(name, scan.last)
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        return _with_scans(book, scans, limit=None)
    with zipfile.ZipFile(path) as z:
        parts, strings_path = sheet_parts(z)
        blank = None  # which shared strings are blank: only needed to find a sheet's real extent
        scans, replace = {}, {}
        for name, part in parts.items():
            if part not in z.namelist():
                continue
            xml = z.read(part) if z.getinfo(part).file_size <= MAX_XML else None
            scan = quick_scan(xml) if xml is not None else None
            if scan is None or scan.all_rows * scan.all_cols > MAX_CELLS:  # every cell, for the real extent
                blank = _blank_strings(z, strings_path) if blank is None else blank
                with (io.BytesIO(xml) if xml is not None else z.open(part)) as f:
                    scan = scan_sheet(f, blank)
            scans[name] = scan
            if scan.rows * scan.cols > MAX_CELLS:
                raise _too_far(name, (scan.rows - 1, scan.cols - 1))
            if scan.all_rows * scan.all_cols > MAX_CELLS or any(f.kind == "error" for f in scan.faults.values()):
                if xml is None:
                    raise SheetTooLarge(f"Bladet '{name}' är för stort för att läsas "
                                        f"({z.getinfo(part).file_size // 2 ** 20} MB, cellerna når ut till "
                                        f"{cell_name(*scan.last)}). Ta bort det som inte hör till svaren och "
                                        "spara filen.", name, cell_name(*scan.last))
                replace[part] = trim_sheet_xml(xml, scan.rows, scan.cols)
        if replace:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
                for info in z.infolist():
                    out.writestr(info.filename, replace.get(info.filename) or z.read(info.filename))
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
        else:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
    return _with_scans(book, scans, limit=True)


def _with_scans(book, scans: dict, limit) -> Sheets:
    """The sheets' rows as calamine reads them, with the scans' faults put in their cells."""
    rows, formulas = {}, {}
    for name in book.sheet_names:
        table = _calamine_rows(book, name, limit=limit)
        scan = scans.get(name) or scans.get(unicodedata.normalize("NFC", name))
        if scan is not None:
            for (r, c), fault in scan.faults.items():
                while len(table) <= r:
                    table.append([])
                row = table[r]
                if len(row) <= c:
                    row.extend([""] * (c + 1 - len(row)))
                row[c] = fault
            formulas[name] = dict(scan.formulas)
        rows[name] = table
    return Sheets(rows, formulas)
