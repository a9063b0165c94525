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
.xls with xlrd; .ods by one expat pass over content.xml (repeats counted, not expanded).

Spec: registration-file.md, "Cells a person did not type".
"""
from __future__ import annotations

import io
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

import python_calamine

from finsam_lib.base.errors import FinsamError
from finsam_lib.base.problems import cell_name

XML_SUFFIXES = {".xlsx", ".xlsm"}
READ_SUFFIXES = XML_SUFFIXES | {".xls", ".ods"}
MAX_CELLS = 2_000_000  # rows x columns a sheet may span once trimmed (~100 MB at most)
MAX_XML = 64 * 2 ** 20  # a worksheet's XML kept in memory to trim it
MAX_MARKS = 10_000  # faults and formulas remembered per sheet
CHUNK = 2 ** 16

ERROR_VALUES = ("#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
                "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
                "#EXTERNAL!", "#PYTHON!")
_ERROR_TEXT = re.compile(r"^#(?:N/A|[A-Z][A-Z0-9_/]*[!?]|GETTING_DATA)$")
_REF = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


class SheetTooLarge(FinsamError, ValueError):
    """A sheet holds values too far out to be read within the memory ceiling (message in Swedish;
    ``sheet`` and ``cell`` name the far cell)."""

    def __init__(self, message: str, sheet: str = "", cell: str = ""):
        super().__init__(message)
        self.sheet, self.cell = sheet, cell


class Fault(str):
    """A cell a person did not type: an Excel error value, or a formula without a stored value.

    The string is what the cell shows (``#N/A``) or the formula (``=0+5``); ``message`` is the
    Swedish explanation used in every problem about the cell.
    """

    kind: str  # "error" or "nocache"

    def __new__(cls, text: str, kind: str):
        self = super().__new__(cls, text)
        self.kind = kind
        return self

    @property
    def message(self) -> str:
        if self.kind == "error":
            return f"cellen innehåller felvärdet {self}"
        return (f"formel utan beräknat värde ({self}): öppna och spara filen i Excel (eller LibreOffice) "
                "så att värdet räknas fram")

    def __repr__(self) -> str:
        return f"Fault({str(self)!r}, {self.kind!r})"


def error_value(value) -> Fault | None:
    """A cell value that is an Excel error value: a Fault from the XML, or text such as '#N/A'
    (how .xls and .ods readers may hand it over)."""
    if isinstance(value, Fault):
        return value
    if isinstance(value, str) and _ERROR_TEXT.match(value.strip()):
        return Fault(value.strip(), "error")
    return None


def column_index(letters: str) -> int:
    """'A' -> 0, 'XFD' -> 16383."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


@dataclass
class SheetScan:
    """What a scan of one sheet found (rows and columns 0-based)."""
    faults: dict = field(default_factory=dict)  # (row, col) -> Fault
    formulas: dict = field(default_factory=dict)  # (row, col) -> formula text, stored value present
    rows: int = 0  # last row holding a value + 1
    cols: int = 0
    all_rows: int = 0  # the same over every cell present, blank or not
    all_cols: int = 0
    last: tuple = (0, 0)  # the farthest cell present


def _parse(stream, start, end, text) -> None:
    p = expat.ParserCreate()
    p.buffer_text = True
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
    while chunk := stream.read(CHUNK):
        p.Parse(chunk, False)
    p.Parse(b"", True)


def _blank_strings(z: zipfile.ZipFile, path: str | None) -> bytearray:
    """For each shared string, 1 if it is blank (whitespace only)."""
    blank = bytearray()
    if not path or path not in z.namelist():
        return blank
    state = {"depth": 0, "text": [], "skip": 0}

    def start(name, attrs):
        name = _local(name)
        if name == "si":
            state["text"] = []
        elif name in ("rPh", "phoneticPr"):
            state["skip"] += 1
        elif name == "t" and not state["skip"]:
            state["depth"] += 1

    def end(name):
        name = _local(name)
        if name == "si":
            blank.append(0 if "".join(state["text"]).strip() else 1)
        elif name in ("rPh", "phoneticPr"):
            state["skip"] -= 1
        elif name == "t" and not state["skip"]:
            state["depth"] -= 1

    def text(data):
        if state["depth"] and len(state["text"]) < 4:
            state["text"].append(data)

    with z.open(path) as f:
        _parse(f, start, end, text)
    return blank


def scan_sheet(stream, blank_strings: bytearray) -> SheetScan:
    """One pass over a worksheet's XML (a binary stream); memory does not grow with the sheet."""
    scan = SheetScan()
    shared: dict = {}  # shared formula index -> text of its master cell
    cell: dict = {}
    where = {"row": -1, "col": -1, "in": None}

    def start(name, attrs):
        name = _local(name)
        if name == "row":
            r = attrs.get("r")
            where["row"] = int(r) - 1 if r else where["row"] + 1
            where["col"] = -1
        elif name == "c":
            m = _REF.match(attrs.get("r", ""))
            if m:
                where["row"], where["col"] = int(m.group(2)) - 1, column_index(m.group(1))
            else:
                where["col"] += 1
            cell.clear()
            cell.update(t=attrs.get("t", "n"), f=None, v=None, s=[], si=attrs.get("si"))
        elif name == "f":
            cell["f"] = ""
            cell["si"] = attrs.get("si")
            where["in"] = "f"
        elif name == "v":
            cell["v"] = ""
            where["in"] = "v"
        elif name == "t" and cell:
            where["in"] = "s"

    def text(data):
        key = where["in"]
        if key == "f":
            cell["f"] += data
        elif key == "v":
            cell["v"] += data
        elif key == "s" and len(cell["s"]) < 4:
            cell["s"].append(data)

    def end(name):
        name = _local(name)
        if name in ("f", "v", "t"):
            where["in"] = None
            return
        if name != "c":
            return
        r, c = where["row"], where["col"]
        kind, formula, value = cell["t"], cell["f"], cell["v"]
        if formula is not None:
            if formula and cell["si"] is not None:
                shared[cell["si"]] = formula
            formula = "=" + (formula or shared.get(cell["si"], ""))
        fault = None
        if kind == "e":
            fault = Fault((value or formula or "#N/A").strip(), "error")
        elif formula is not None and not value and kind != "str":
            fault = Fault(formula, "nocache")
        if kind == "s":
            try:
                filled = value is not None and not blank_strings[int(value)]
            except (ValueError, IndexError):
                filled = bool(value)
        elif kind == "inlineStr":
            filled = bool("".join(cell["s"]).strip())
        elif kind == "str":
            filled = bool((value or "").strip())
        else:
            filled = bool(value)
        if fault is not None:
            filled = True
            if len(scan.faults) < MAX_MARKS:
                scan.faults[(r, c)] = fault
        elif formula is not None and len(scan.formulas) < MAX_MARKS:
            scan.formulas[(r, c)] = formula
        if filled or formula is not None:
            scan.rows, scan.cols = max(scan.rows, r + 1), max(scan.cols, c + 1)
        _reach(scan, r, c)
        cell.clear()

    _parse(stream, start, end, text)
    return scan


def _rels(z: zipfile.ZipFile, path: str) -> dict[str, str]:
    folder = posixpath.dirname(path)
    rels_path = posixpath.join(posixpath.dirname(path), "_rels", posixpath.basename(path) + ".rels")
    out = {}
    if rels_path not in z.namelist():
        return out

    def start(name, attrs):
        if _local(name) == "Relationship":
            target = attrs.get("Target", "")
            out[attrs.get("Id")] = (target.lstrip("/") if target.startswith("/")
                                    else posixpath.normpath(posixpath.join(folder or "", target)))

    _parse(io.BytesIO(z.read(rels_path)), start, lambda n: None, lambda d: None)
    return out


def sheet_parts(z: zipfile.ZipFile) -> tuple[dict[str, str], str | None]:
    """{sheet name: worksheet XML path} and the shared strings' path, from the workbook's parts."""
    book = next((n for n in z.namelist() if n.lower() == "xl/workbook.xml"), "xl/workbook.xml")
    rels = _rels(z, book)
    sheets, strings = {}, None

    def start(name, attrs):
        if _local(name) == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
            if rid in rels:
                sheets[attrs.get("name", "")] = rels[rid]

    _parse(io.BytesIO(z.read(book)), start, lambda n: None, lambda d: None)
    for target in rels.values():
        if target.lower().endswith("sharedstrings.xml"):
            strings = target
    return sheets, strings


_PREFIX = rb'(?:[A-Za-z_][\w.-]*:)?'  # a namespace prefix such as x: (rare, but allowed)
_CELL = re.compile(rb'<' + _PREFIX + rb'c\b([^>]*?)(?:/>|>.*?</' + _PREFIX + rb'c>)', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_ERROR_CELL = re.compile(rb'\bt="e"')
_DIMENSION = re.compile(rb'(<' + _PREFIX + rb'dimension\b[^>]*?\bref=")[^"]*(")')
_COLUMN = re.compile(rb' r="([A-Z]{1,3})[0-9]')  # a cell's reference (rows are r="12", ranges ref=)
_ROW_NUMBER = re.compile(rb'<' + _PREFIX + rb'row\b[^>]*?\br="([0-9]+)"')
_ROW_PLAIN = re.compile(rb'<row r="([0-9]+)"')  # how Excel, LibreOffice and openpyxl write it
_MARK = re.compile(rb'\bt="e"|<' + _PREFIX + rb'f[\s>/]')  # an error cell, or a formula
_MARK_PLAIN = (b't="e"', b"<f>", b"<f ", b"<f/>")
_CELL_START = re.compile(rb'<' + _PREFIX + rb'c\b')


def _marks(xml: bytes, plain: bool):
    """Positions of error cells and formulas (plain bytes.find where tags have no prefix: fast)."""
    if not plain:
        yield from (m.start() for m in _MARK.finditer(xml))
        return
    for needle in _MARK_PLAIN:
        at = xml.find(needle)
        while at >= 0:
            yield at
            at = xml.find(needle, at + 1)


def quick_scan(xml: bytes) -> SheetScan:
    """A worksheet's extent (of every cell present) and its error and formula cells, without
    visiting every cell in Python: regular expressions over the XML, and the full parse only
    for the cells that hold an error or a formula. ``rows``/``cols`` are the extent of every
    cell, an upper bound of the values' extent."""
    columns, rows, start = set(), 0, 0
    row_number = _ROW_PLAIN if _ROW_PLAIN.search(xml) else _ROW_NUMBER
    while start < len(xml):  # in pieces that end before a tag, so that no match is cut
        end = xml.find(b"<", start + CHUNK * 16)
        end = len(xml) if end < 0 else end
        columns.update(_COLUMN.findall(xml, start, end))
        rows = max([rows, *map(int, row_number.findall(xml, start, end))])
        start = end
    cells = {}  # start -> the whole cell element, in document order once sorted
    plain = b"<c " in xml
    for at in _marks(xml, plain):
        if len(cells) >= MAX_MARKS:
            break
        begin = _last_cell_start(xml, at, plain)
        cell = _CELL.match(xml, begin) if begin >= 0 and begin not in cells else None
        if cell is not None and cell.end() > at:
            cells[begin] = cell.group(0)
    marked = [cells[k] for k in sorted(cells)]
    # Error and formula cells never refer to shared strings: no need to know which are blank.
    scan = scan_sheet(io.BytesIO(b"<sheetData>" + b"".join(marked) + b"</sheetData>"), bytearray()) \
        if marked else SheetScan()
    cols = max((column_index(c.decode()) + 1 for c in columns), default=0)
    scan.rows = scan.all_rows = max(rows, scan.all_rows)
    scan.cols = scan.all_cols = max(cols, scan.all_cols)
    scan.last = (scan.all_rows - 1, scan.all_cols - 1)
    return scan


def _last_cell_start(xml: bytes, before: int, plain: bool) -> int:
    """Where the last cell element starting before ``before`` begins (-1 if none)."""
    if plain:
        return xml.rfind(b"<c ", 0, before)
    begin = -1
    for c in _CELL_START.finditer(xml, max(0, before - 65536), before):
        begin = c.start()
    return begin


def trim_sheet_xml(xml: bytes, rows: int, cols: int) -> bytes:
    """The worksheet XML without the cells beyond ``rows`` x ``cols`` (all of them blank) and
    without its error cells (calamine refuses newer error values such as #SPILL!; the scan has
    them already)."""
    def keep(m):
        if _ERROR_CELL.search(m.group(1)):
            return b""
        ref = _CELL_REF.search(m.group(1))
        if ref is None:
            return m.group(0)
        inside = int(ref.group(2)) <= rows and column_index(ref.group(1).decode()) < cols
        return m.group(0) if inside else b""

    xml = _CELL.sub(keep, xml)
    extent = f"A1:{cell_name(max(rows, 1) - 1, max(cols, 1) - 1)}".encode()
    return _DIMENSION.sub(lambda m: m.group(1) + extent + m.group(2), xml, count=1)


def _too_far(sheet: str, scan_last: tuple) -> SheetTooLarge:
    cell = cell_name(*scan_last)
    return SheetTooLarge(f"Bladet '{sheet}' har något (kanske bara ett mellanslag) ända ut i cell {cell}; så "
                         "stora blad läses inte. Ta bort det som står långt från svaren (markera raderna och "
                         "kolumnerna efter dem, Ta bort) och spara filen.", sheet, cell)


def _reach(scan: SheetScan, r: int, c: int) -> None:
    """A cell with content at (r, c): widen the extent of every cell present."""
    if (r + 1) * (c + 1) > scan.all_rows * scan.all_cols:
        scan.last = (r, c)
    scan.all_rows, scan.all_cols = max(scan.all_rows, r + 1), max(scan.all_cols, c + 1)


def scan_xls(path) -> dict[str, SheetScan]:
    """Error cells of an .xls workbook, per sheet, read with xlrd (calamine reads them as blank).
    An .xls formula always has its stored result, so there are no uncalculated formulas."""
    import xlrd

    scans = {}
    book = xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True)
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            scan = scans[sheet.name] = SheetScan()
            for r in range(sheet.nrows):
                types = sheet.row_types(r)
                if len(types):
                    _reach(scan, r, len(types) - 1)
                if xlrd.XL_CELL_ERROR not in types:
                    continue
                for c, kind in enumerate(types):
                    if kind == xlrd.XL_CELL_ERROR and len(scan.faults) < MAX_MARKS:
                        code = sheet.cell_value(r, c)
                        scan.faults[(r, c)] = Fault(xlrd.error_text_from_code.get(code, "#N/A"), "error")
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return scans


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODS_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


def scan_ods(path) -> dict[str, SheetScan]:
    """Error cells, formulas without a stored value and formulas with one, per sheet of an .ods
    workbook: one streaming pass over content.xml (repeated rows and columns counted, not
    expanded). calamine reads an error cell as blank."""
    scans: dict[str, SheetScan] = {}
    state = {"scan": None, "row": -1, "col": 0, "rows_rep": 1, "cell": None}

    def start(name, attrs):
        ns, _, local = name.rpartition(" ")
        if ns == _ODS_TABLE and local == "table":
            state["scan"] = scans.setdefault(attrs.get(f"{_ODS_TABLE} name", ""), SheetScan())
            state["row"] = -1
        elif ns == _ODS_TABLE and local == "table-row":
            state["row"] += state["rows_rep"]
            state["rows_rep"] = int(attrs.get(f"{_ODS_TABLE} number-rows-repeated", "1"))
            state["col"] = 0
        elif ns == _ODS_TABLE and local in ("table-cell", "covered-table-cell"):
            state["cell"] = {"formula": attrs.get(f"{_ODS_TABLE} formula"),
                             "type": attrs.get(f"{_ODS_OFFICE} value-type"),
                             "calc": attrs.get(f"{_ODS_CALCEXT} value-type"),
                             "repeat": int(attrs.get(f"{_ODS_TABLE} number-columns-repeated", "1")), "text": []}

    def end(name):
        ns, _, local = name.rpartition(" ")
        if ns == _ODS_TABLE and local == "table":
            state["rows_rep"] = 1
        if not (ns == _ODS_TABLE and local in ("table-cell", "covered-table-cell")) or state["cell"] is None:
            return
        cell, scan, r, c = state["cell"], state["scan"], state["row"], state["col"]
        state["col"] += cell["repeat"]
        state["cell"] = None
        if scan is not None and (cell["type"] is not None or cell["formula"] is not None or cell["text"]):
            _reach(scan, r + state["rows_rep"] - 1, c + cell["repeat"] - 1)
        formula = cell["formula"]
        if scan is None or (formula is None and cell["calc"] != "error"):
            return
        text = "".join(cell["text"]).strip()
        if cell["calc"] == "error":
            fault = Fault(text if text.startswith("#") or text.startswith("Err:") else "#N/A", "error")
        elif cell["type"] is None:
            fault = Fault("=" + formula.split(":=", 1)[-1] if formula.startswith("of:") else formula, "nocache")
        else:
            fault = None
            if len(scan.formulas) < MAX_MARKS:
                scan.formulas[(r, c)] = "=" + formula.split(":=", 1)[-1]
        if fault is not None and len(scan.faults) < MAX_MARKS:
            scan.faults[(r, c)] = fault

    def text(data):
        if state["cell"] is not None and len(state["cell"]["text"]) < 4:
            state["cell"]["text"].append(data)

    with zipfile.ZipFile(path) as z, z.open("content.xml") as f:
        p = expat.ParserCreate(namespace_separator=" ")
        p.buffer_text = True
        p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
        while chunk := f.read(CHUNK):
            p.Parse(chunk, False)
        p.Parse(b"", True)
    return scans


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
