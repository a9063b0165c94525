"""Provenance stamps: which registration files, which finsam and which command made an output.

A stamp is a JSON-able dict::

    {"stamp": 1, "finsam": "0.1.0", "command": "finsam report forbund Gävle --data data …",
     "parameters": {"forbund": "Gävle", "year": 2022, …}, "created": "2026-11-30T14:05:03+00:00",
     "data": "/abs/path/of/data",
     "files": [{"name": "2022/Gävle.xlsx", "sha256": "…", "forbund": "Gävle", "year": 2022,
                "rows": 131, "responses": 120}, …]}

``files`` lists every .xlsx the reader found under the data path (``reader.find_files``), named
relative to it; ``rows`` are the rows read on the survey sheets, ``responses`` the rows with an
answer (``Dataset.sheets``). A file counted once as a copy of another has ``forbund`` and
``year`` None and 0 rows. The file part is computed once per dataset (:func:`data_stamp`,
a SHA-256 per file: milliseconds for a national year) and shared by every report of a command
(:func:`for_output`).

Where a stamp lives, so that ``finsam verify`` can read it back (:func:`read_stamp`):

- HTML: a ``<script type="application/json" id="finsam-provenance">`` block and a visible
  colophon, *Om rapporten*, at the end of the page (and of the PDF);
- PDF: the document information keys /Title, /Subject, /Keywords and ``/FinsamProvenance``
  (the JSON);
- Excel: a sheet *Om rapporten* (the stamp's head as JSON in one cell, one row per file);
- CSV: ``provenance.json`` beside the files (``<file>.provenance.json`` beside an export);
- slides: the JSON block in the HTML deck, ``<file>.pptx.provenance.json`` beside the PowerPoint file.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

STAMP_VERSION = 1
SHEET = "Om rapporten"
JSON_NAME = "provenance.json"
PDF_KEY = "/FinsamProvenance"
SCRIPT_ID = "finsam-provenance"
FILE_COLUMNS = ["name", "sha256", "forbund", "year", "rows", "responses", "name_sha256"]
FILE_HEADERS = ["Fil", "SHA-256", "Samordningsförbund", "Mätår", "Lästa rader", "Svar",
                "Annat förbunds fil: SHA-256 av namnet"]
HEAD_LABEL = "Stämpel (JSON)"


# --- Making a stamp -------------------------------------------------------------------------------

def finsam_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("finsam")
    except PackageNotFoundError:
        return "okänd"


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _base(data_path: str | Path) -> Path:
    p = Path(data_path).resolve()
    return p if p.is_dir() else p.parent


def data_files(data_path: str | Path) -> dict[str, Path]:
    """{name relative to the data folder (with /): path} of every registration file the reader finds."""
    from finsam_lib.registration.reader import find_files

    files, _ = find_files([data_path])
    base = _base(data_path)
    return {Path(f).resolve().relative_to(base).as_posix(): Path(f) for f in files}


def current_hashes(data_path: str | Path) -> dict[str, str]:
    """{name: SHA-256} of the registration files under a data path now."""
    return {name: sha256(path) for name, path in data_files(data_path).items()}


def data_stamp(data, data_path: str | Path) -> dict:
    """The data part of a stamp: every registration file under ``data_path`` with its SHA-256 and,
    from the read ``data`` (a reader.Dataset of the same path), its förbund, year and row counts."""
    base = _base(data_path)
    sheets = data.sheets
    counts = {}
    if len(sheets):
        g = sheets.groupby("file", sort=False).agg(forbund=("forbund", "first"), year=("year", "first"),
                                                   rows=("rows_read", "sum"), responses=("responses", "sum"))
        for file, r in g.iterrows():
            counts[str(Path(file).resolve())] = r
    files = []
    for name, path in data_files(data_path).items():
        r = counts.get(str(path.resolve()))
        files.append({"name": name, "sha256": sha256(path),
                      "forbund": None if r is None else str(r.forbund),
                      "year": None if r is None else int(r.year),
                      "rows": 0 if r is None else int(r.rows), "responses": 0 if r is None else int(r.responses)})
    return {"data": str(base), "files": files}


def command_line(argv) -> str:
    return shlex.join(["finsam", *map(str, argv)])


def for_output(data_part: dict, command: str, parameters: dict | None = None,
               created: dt.datetime | None = None) -> dict:
    """A whole stamp: the shared data part plus finsam's version, the command, its parameters
    and the time (UTC, to the second).

    An output about one förbund (``parameters["forbund"]``) names no other förbund: the files of
    other förbund (not its own nor its predecessors', history.py) keep their content hash and
    year, while their name is replaced by its SHA-256 (``name_sha256``) and their förbund and
    row counts are left out; ``finsam verify`` still tells when one of them changed."""
    created = created or dt.datetime.now(dt.timezone.utc)
    parameters = parameters or {}
    files = data_part["files"]
    own = parameters.get("forbund")
    if own:
        from finsam_lib.registration.history import load, predecessors

        year = parameters.get("year") or max((f["year"] for f in files if f["year"]), default=0)
        names = {own} | {c.from_name for c in predecessors(load([data_part["data"]]), own, year)}
        files = [f if f["forbund"] in names else
                 {"name": None, "name_sha256": _name_hash(f["name"]), "sha256": f["sha256"], "forbund": None,
                  "year": f["year"], "rows": None, "responses": None} for f in files]
    return {"stamp": STAMP_VERSION, "finsam": finsam_version(), "command": command,
            "parameters": {k: v for k, v in parameters.items() if _plain(v)},
            "created": created.replace(microsecond=0).isoformat(), "data": data_part["data"], "files": files}


def _name_hash(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def _key(f: dict) -> str:
    """A stamp file's key: its name, or '#<SHA-256 of the name>' when the name is withheld."""
    return f["name"] if f.get("name") else "#" + f["name_sha256"]


def _plain(value) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def fingerprint(stamp: dict) -> str:
    """One SHA-256 over the files' content hashes (sorted): equal fingerprints, equal data, the
    same for every output of the same files whether or not names are withheld."""
    return hashlib.sha256("\n".join(sorted(f["sha256"] for f in stamp.get("files", []))).encode()).hexdigest()


# --- Comparing with the data now ------------------------------------------------------------------

UNCHANGED, CHANGED, NO_STAMP = "unchanged", "changed", "no-stamp"


@dataclass
class Check:
    """An output's stamp against the data now: ``changed``, ``added`` and ``missing`` file names."""
    output: str
    status: str
    changed: list = field(default_factory=list)
    added: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    created: str = ""

    @property
    def ok(self) -> bool:
        return self.status == UNCHANGED

    def message(self) -> str:
        """One line in Swedish."""
        if self.status == NO_STAMP:
            return f"{self.output}: ingen provenansstämpel (inte gjord av finsam, eller av en äldre version)."
        when = f" (gjord {self.created})" if self.created else ""
        if self.ok:
            return f"{self.output}: underlaget är oförändrat{when}."
        parts = [f"{label}: {', '.join(names)}" for label, names in
                 (("ändrade", self.changed), ("tillkomna", self.added), ("saknas", self.missing)) if names]
        return f"{self.output}: underlaget har ändrats{when} — " + "; ".join(parts) + "."


def compare(stamp: dict, now: dict[str, str], output: str = "") -> Check:
    """A stamp's files against ``now`` ({name: SHA-256}, from :func:`current_hashes`). A file
    whose name the stamp withholds is matched by the name's hash and named from ``now``; one
    that is missing is described by its year."""
    files = stamp.get("files", [])
    then = {_key(f): f["sha256"] for f in files}
    keyed = {}  # key in the stamp -> name now
    for name in now:
        hidden = "#" + _name_hash(name)
        keyed[hidden if name not in then and hidden in then else name] = name
    changed = sorted(keyed[k] for k in then if k in keyed and now[keyed[k]] != then[k])
    added = sorted(name for k, name in keyed.items() if k not in then)
    missing = sorted(f["name"] or f"en fil från ett annat förbund, mätår {f['year']}"
                     for f in files if _key(f) not in keyed)
    status = UNCHANGED if not (changed or added or missing) else CHANGED
    return Check(output, status, changed, added, missing, stamp.get("created", ""))


# --- Writing and reading stamps -------------------------------------------------------------------

def _json(stamp: dict, indent=None) -> str:
    return json.dumps(stamp, ensure_ascii=False, indent=indent)


def html_block(stamp: dict) -> str:
    """The colophon *Om rapporten* (Swedish; templates/colophon.html.j2) and the stamp as a JSON
    script block."""
    from markupsafe import Markup

    from finsam_lib.base import format as fmt
    from finsam_lib.present.templating import render

    files = stamp.get("files", [])
    created = dt.datetime.fromisoformat(stamp["created"])
    counted = all(f["responses"] is not None for f in files)  # not when other förbund's are withheld
    years = [{"year": y, "files": fmt.number(sum(1 for f in files if f["year"] == y)),
              "responses": fmt.number(sum(f["responses"] for f in files if f["year"] == y)) if counted else None}
             for y in sorted({f["year"] for f in files if f["year"] is not None})]
    own = stamp.get("parameters", {}).get("forbund")
    # A förbund's output names only its own (and its predecessors') files: see for_output.
    own_files = [{"name": f["name"], "year": f["year"], "responses": fmt.number(f["responses"]),
                  "sha256": f["sha256"][:16]} for f in files if own and f["forbund"]]
    return render("colophon.html.j2", version=stamp["finsam"], command=stamp["command"], data=stamp["data"],
                  when=f"{fmt.long_date(created.date())} kl. {created:%H.%M} (UTC)", n_files=fmt.number(len(files)),
                  fingerprint=fingerprint(stamp)[:16], counted=counted, years=years, own_files=own_files,
                  own_caption=f"{fmt.genitive(own)} registreringsfiler" if own else "",
                  script=Markup(script_block(stamp)))


def script_block(stamp: dict) -> str:
    """The stamp as ``<script type="application/json" id="finsam-provenance">`` (read_stamp reads it)."""
    text = _json(stamp).replace("</", "<\\/")
    return f'<script type="application/json" id="{SCRIPT_ID}">{text}</script>'


def add_to_html(page: str, stamp: dict, colophon: bool = True) -> str:
    """The page with the colophon at the end of its main content (or its body); without
    ``colophon`` (a slide deck), the stamp's JSON block alone."""
    block = html_block(stamp) if colophon else script_block(stamp)
    for mark in ("</main>", "</body>"):
        i = page.rfind(mark)
        if i >= 0:
            return page[:i] + block + page[i:]
    return page + block


def write_json(folder: str | Path, stamp: dict, name: str = JSON_NAME) -> Path:
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_json(stamp, indent=1), encoding="utf-8")
    return path


def stamp_pdf(path: str | Path, stamp: dict, title: str = "") -> Path:
    """Write the stamp into a PDF's document information: /Title, /Subject, /Keywords and
    ``/FinsamProvenance`` (the JSON), keeping the other entries.

    The PDF gets an incremental update appended (pdf_contents.appended: a new information
    dictionary, an xref section pointing to it and a trailer with /Prev), which costs
    milliseconds where rewriting a 40-page report with pypdf costs ~0.5 s; a PDF whose last
    cross-reference section is a stream (not what Chromium writes) is updated with pypdf's
    incremental writer."""
    from finsam_lib.publish.pdf import read_pdf
    from finsam_lib.publish.pdf_contents import appended

    path = Path(path)
    data = path.read_bytes()
    info, number = read_pdf(data, lambda r: ({str(k): str(v) for k, v in (r.metadata or {}).items()},
                                             int(r.trailer["/Size"])))
    n = len(stamp.get("files", []))
    info.update({
        "/Title": title or path.stem,
        "/Subject": f"Gjord med finsam {stamp['finsam']} {stamp['created']} av {n} registreringsfiler",
        "/Keywords": f"finsam; samordningsförbund; indikatorer; underlag sha256:{fingerprint(stamp)}",
        "/Creator": f"finsam {stamp['finsam']}",
        PDF_KEY: _json(stamp),
    })
    entries = "".join(f"{key} <FEFF{value.encode('utf-16-be').hex().upper()}>" for key, value in info.items())
    updated = appended(data, {(number, 0): f"<<{entries}>>".encode("ascii")}, {"/Info": f"{number} 0 R"})
    if updated is None:
        from pypdf import PdfWriter

        writer = PdfWriter(str(path), incremental=True)
        writer.add_metadata(info)
        with open(path, "wb") as f:
            writer.write(f)
        return path
    with open(path, "ab") as f:
        f.write(updated[len(data):])
    return path


def stamp_pptx(path: str | Path, stamp: dict) -> Path:
    """A PowerPoint file's stamp: ``<file>.provenance.json`` beside it (its document properties
    hold at most 255 characters), and the data's fingerprint in its keywords."""
    from pptx import Presentation

    path = Path(path)
    prs = Presentation(str(path))
    prs.core_properties.keywords = f"finsam; underlag sha256:{fingerprint(stamp)}"
    prs.save(str(path))
    write_json(path.parent, stamp, f"{path.name}.{JSON_NAME}")
    return path


def add_sheet(wb, stamp: dict) -> None:
    """Add the sheet *Om rapporten* to an XlsxWriter workbook (last); text is written as text,
    never as a formula."""
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet(SHEET)
    ws.write_string(0, 0, "Om rapporten", wb.add_format({"bold": True, "font_size": 14}))
    rows = [[label, value] for label, value in (
        ("Gjord med", f"finsam {stamp['finsam']}"), ("Tidpunkt (UTC)", stamp["created"]),
        ("Kommando", stamp["command"]), ("Datamapp", stamp["data"]),
        ("Kontrollsumma (SHA-256)", fingerprint(stamp)),
        (HEAD_LABEL, _json({k: v for k, v in stamp.items() if k != "files"})))]
    rows += [[], FILE_HEADERS] + [[f.get(k) for k in FILE_COLUMNS] for f in stamp.get("files", [])]
    for r, row in enumerate(rows, 1):
        for j, value in enumerate(row):
            style = bold if row is FILE_HEADERS else None
            if isinstance(value, str):
                ws.write_string(r, j, value, style)
            elif value is not None:
                ws.write(r, j, value, style)
    ws.set_column_pixels(0, 0, 34 * 7)  # 34 and 66 characters (publish.excel.set_width)
    ws.set_column_pixels(1, 1, 66 * 7)


def _from_sheet(ws) -> dict | None:
    rows = list(ws.iter_rows(values_only=True))
    head = next((r[1] for r in rows if r and r[0] == HEAD_LABEL), None)
    if head is None:
        return None
    stamp = json.loads(head)
    start = next(i for i, r in enumerate(rows) if r and list(r[:len(FILE_HEADERS)]) == FILE_HEADERS)
    stamp["files"] = [{k: v for k, v in zip(FILE_COLUMNS, r) if k != "name_sha256" or v}
                      for r in rows[start + 1:] if r and (r[0] or r[len(FILE_COLUMNS) - 1])]
    return stamp


_SCRIPT = re.compile(rf'<script type="application/json" id="{SCRIPT_ID}">(.*?)</script>', re.S)


def read_stamp(path: str | Path) -> dict | None:
    """The stamp of an output file (.html, .pdf, .xlsx, .pptx, provenance.json), or None without one."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        m = _SCRIPT.search(path.read_text(encoding="utf-8", errors="replace"))
        return json.loads(m.group(1).replace("<\\/", "</")) if m else None
    if suffix == ".pdf":
        from pypdf import PdfReader

        meta = PdfReader(path).metadata or {}
        value = meta.get(PDF_KEY)
        return json.loads(str(value)) if value else None
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        try:
            return _from_sheet(wb[SHEET]) if SHEET in wb.sheetnames else None
        finally:
            wb.close()
    if suffix == ".pptx":
        beside = path.with_name(f"{path.name}.{JSON_NAME}")
        return read_stamp(beside) if beside.is_file() else None
    if suffix == ".json":
        stamp = json.loads(path.read_text(encoding="utf-8"))
        return stamp if isinstance(stamp, dict) and "files" in stamp else None
    return None


OUTPUT_SUFFIXES = (".html", ".pdf", ".xlsx")  # a .pptx's stamp is its .provenance.json


def outputs_in(folder: str | Path) -> list[Path]:
    """The outputs under a folder that may carry a stamp (reports and provenance.json files)."""
    found = []
    for p in sorted(Path(folder).rglob("*")):
        if not p.is_file() or p.name.startswith(("~$", ".")):
            continue
        if p.suffix.lower() in OUTPUT_SUFFIXES or p.name == JSON_NAME or p.name.endswith("." + JSON_NAME):
            found.append(p)
    return found


def verify(paths, data_path: str | Path) -> list[Check]:
    """Check every output (files; folders: every stamped output under them; unstamped files in a
    folder, such as the batch's index.html, are passed over) against the data under ``data_path``."""
    now = current_hashes(data_path)
    checks = []
    for p in map(Path, paths):
        explicit = not p.is_dir()
        for out in ([p] if explicit else outputs_in(p)):
            try:
                stamp = read_stamp(out)
            except Exception:  # a damaged or foreign file: no stamp to read
                stamp = None
            if stamp is None:
                if explicit:
                    checks.append(Check(str(out), NO_STAMP))
                continue
            checks.append(compare(stamp, now, str(out)))
    return checks


def report_checks(out: str | Path, reports: list[tuple[dict, str]]) -> list[Check | None]:
    """For a batch's index: per report (its {format: file name} in ``out``, its data path), its
    stamp against the data now, read from its first stamped file; None when it has none.
    Each data path is hashed once."""
    now: dict[str, dict] = {}
    checks = []
    for files, data_path in reports:
        stamp = None
        for kind in ("html", "xlsx", "pdf"):
            if kind in files and (Path(out) / files[kind]).is_file():
                stamp = read_stamp(Path(out) / files[kind])
                if stamp:
                    break
        if stamp is None or not data_path:
            checks.append(None)
            continue
        if data_path not in now:
            now[data_path] = current_hashes(data_path)
        checks.append(compare(stamp, now[data_path], files.get("html", "")))
    return checks
