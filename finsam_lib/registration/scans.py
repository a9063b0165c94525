"""Scanning a workbook for the cells a person did not type, before its values are read:
error values, formulas (with or without a stored value) and the extent of the cells present —
.xlsx/.xlsm by regular expressions (or one expat pass) over each worksheet's XML, .xls with
xlrd, .ods by one expat pass over content.xml. Why and how: :mod:`sheets`, which reads the
values with calamine and puts :class:`Fault` strings where this module found them.

Spec: registration-file.md, "Cells a person did not type".
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from finsam_lib.base.errors import FinsamError
from finsam_lib.base.problems import cell_name

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
        """What is wrong with the cell, in Swedish, for a problem naming it."""
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
