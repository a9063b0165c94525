"""Publishing: run a report notebook, export it as self-contained HTML, print that
to an A4 PDF in a Chromium-family browser, and write tables to an Excel workbook.

Nothing here knows what a report contains: notebooks, HTML and
:class:`tables.ReportTable` objects go in, files come out.
"""
from __future__ import annotations

import contextlib
import functools
import html
import os
import re
import shutil
import sys
import time
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

TEMPLATES = Path(str(resources.files("finsam_lib").joinpath("templates")))
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NBCONVERT_TEMPLATES = TEMPLATES / "nbconvert"
TEMPLATE_NAME = "finsam_report"
TOC_MARK = "<!-- finsam:toc -->"

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
PDF_MARGIN = {"top": "18mm", "bottom": "20mm", "left": "18mm", "right": "18mm"}


class PublishError(RuntimeError):
    """Publishing failed (message in Swedish)."""


def notebook_path(name: str) -> Path:
    """A report notebook shipped with finsam: ``notebooks/<name>`` in a clone, else
    ``finsam_lib/notebooks/<name>`` in an installed package."""
    for folder in (NOTEBOOKS, Path(str(resources.files("finsam_lib").joinpath("notebooks")))):
        if (folder / name).is_file():
            return folder / name
    raise PublishError(f"Rapportens notebook {name} finns inte i {NOTEBOOKS}.")


# --- Running notebooks ----------------------------------------------------------------------------

@contextlib.contextmanager
def _package_on_path():
    """Let a kernel import the same finsam_lib as this process, installed or not."""
    root = str(Path(__file__).resolve().parent.parent)
    before = os.environ.get("PYTHONPATH")
    parts = [root] + ([before] if before else [])
    os.environ["PYTHONPATH"] = os.pathsep.join(parts)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before


def start_kernel(kernel_name: str = "python3"):
    """A kernel (manager) started with this interpreter and its chatter silenced; reuse it
    for several notebooks and shut it down with ``km.shutdown_kernel()``."""
    import subprocess

    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=kernel_name, client_factory=_ready_client())
    with _package_on_path():
        km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return km


@functools.lru_cache(maxsize=1)
def _ready_client():
    """jupyter_client's blocking kernel client, but ready sooner: papermill connects a new client
    for every notebook, and its wait_for_ready ends by waiting 0.2 s for IOPub to fall silent (and
    as long again when IOPub has not yet connected) — a fifth of a förbund report's own work on a
    warm kernel. The same checks here, waiting 20 ms: the kernel answered kernel_info on the shell
    channel and something came on IOPub (else ask again), then IOPub drained; a message still
    on its way later has another request as its parent, which the notebook client passes over."""
    from queue import Empty

    from jupyter_client.blocking import BlockingKernelClient
    from jupyter_client.utils import ensure_async, run_sync

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.time() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:
                        await ensure_async(self.iopub_channel.get_msg(timeout=0.02))
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=0.02))
            except Empty:
                break

    return type("ReadyKernelClient", (BlockingKernelClient,), {"wait_for_ready": run_sync(wait_for_ready)})


def execute_notebook(notebook: str | Path, output: str | Path | None, parameters: dict,
                     cwd: str | Path | None = None, timeout: int = 600, km=None):
    """Execute a parameterised notebook with papermill; returns the executed notebook node.

    ``km``: an already started kernel manager to reuse (batches; note that a reused
    kernel keeps its state); else a new kernel, shut down afterwards. A failing cell
    raises PublishError naming the cell's error.
    """
    import papermill as pm

    own = km is None
    if own:
        km = start_kernel()
    try:
        with _package_on_path():
            return pm.execute_notebook(
                str(notebook), str(output) if output else None, parameters=parameters,
                cwd=str(cwd) if cwd else None, progress_bar=False, log_output=False,
                request_save_on_cell_execute=False, execution_timeout=timeout,
                kernel_name=km.kernel_name, km=km)
    except pm.PapermillExecutionError as e:
        raise PublishError(f"Rapportens notebook stannade i cell {e.exec_count}: {e.ename}: {e.evalue}") from e
    finally:
        if own:
            km.shutdown_kernel(now=True)


def cell_errors(nb) -> list[str]:
    """Error outputs left in an executed notebook."""
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


# --- HTML -----------------------------------------------------------------------------------------

def stylesheet() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def notebook_html(nb, title: str, css: str | None = None) -> str:
    """A notebook as one self-contained HTML page: outputs and markdown only, our own
    template (no CDN links), a table of contents where the notebook put its mark."""
    body, _ = report_exporter().from_notebook_node(
        nb, resources={"finsam": {"title": title, "css": css if css is not None else stylesheet(), "lang": "sv"}})
    return add_toc(body)


@functools.lru_cache(maxsize=1)
def report_exporter():
    """The HTML exporter of every report page, built once per process (a batch worker exports
    report after report with it): nbconvert's HTMLExporter with finsam's template, without the
    input cells and prompts."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from traitlets.config import Config

    class ReportExporter(HTMLExporter):
        """HTMLExporter without its last pass: re-parsing the whole page with BeautifulSoup (a
        third of a förbund report's export) to give <img> without alt a placeholder text and
        JupyterLab's cell wrappers a tabindex. finsam's template writes neither (every image has
        its alt, no JupyterLab markup). What else the pass did is done here: the markdown headings'
        empty anchor links closed, and (add_toc) ids made from the text as it spelt it."""

        def from_notebook_node(self, nb, resources=None, **kw):  # HTMLExporter's, up to the re-parse
            lang = nb.metadata.get("language_info", {})
            self.register_filter("highlight_code", self.filters.get("highlight_code", Highlight2HTML(
                pygments_lexer=lang.get("pygments_lexer", lang.get("name")), parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            # Markdown headings' anchor links come as <a ... />, which HTML parses as an open <a>.
            return re.sub(r'(<a class="anchor-link"[^>]*?)\s*/>', r"\1></a>", page), resources

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove_cell", "hide"}
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.anchor_link_text = ""
    return ReportExporter(config=config, extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
                          template_name=TEMPLATE_NAME)


class _Headings(HTMLParser):
    """h1/h2 elements: (level, id, text, start offset)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._open, self._text = [], None, []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2") and self._open is None:
            a = dict(attrs)
            if "toc-title" in (a.get("class") or "") or "title" in (a.get("class") or "").split():
                return
            self._open, self._text = (int(tag[1]), a.get("id"), self.getpos()), []

    def handle_endtag(self, tag):
        if self._open and tag == f"h{self._open[0]}":
            level, anchor, pos = self._open
            self.found.append((level, anchor, " ".join("".join(self._text).split()), pos))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._text.append(data)


def slug(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "avsnitt"


def headings(page: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of the page's h1/h2 elements, in order (the contents' own title and the
    title page's left out). Only the headings are parsed, not the whole page."""
    parser = _Headings()
    parser.feed("".join(m.group(0) for m in re.finditer(r"<(h[12])(?:\s[^>]*)?>.*?</\1>", page, flags=re.S)))
    return [(level, anchor, text) for level, anchor, text, _ in parser.found]


def add_toc(page: str, pages: dict[str, int] | None = None) -> str:
    """Fill the table of contents from the page's h1/h2 headings (ids added where missing);
    ``pages`` adds page numbers by heading id."""
    used = set(re.findall(r'id="([^"]+)"', page))

    def ensure_id(m):
        tag, attrs, inner = m.group(1), m.group(2), m.group(3)
        if "id=" in attrs and "%" not in attrs:
            return m.group(0)
        attrs = re.sub(r'\s*id="[^"]*"', "", attrs)
        # The text as BeautifulSoup spelt it (characters, only &, < and > escaped): the ids stay.
        anchor = base = slug(html.escape(html.unescape(re.sub(r"<[^>]+>", "", inner)), quote=False))
        k = 2
        while anchor in used:
            anchor, k = f"{base}-{k}", k + 1
        used.add(anchor)
        return f'<{tag} id="{anchor}"{attrs}>{inner}</{tag}>'

    page = re.sub(r"<(h[12])((?:\s[^>]*)?)>(.*?)</\1>", ensure_id, page, flags=re.S)
    if TOC_MARK not in page:
        return page
    items = []
    for level, anchor, text in headings(page):
        number = (pages or {}).get(anchor)
        tail = (f'<span class="toc-dots"></span><span class="toc-page">{number}</span>'
                if number is not None else "")
        items.append(f'<li class="level-{level}"><a href="#{anchor}"><span class="toc-text">'
                     f'{html.escape(text)}</span>{tail}</a></li>')
    toc = f'<ol>{"".join(items)}</ol>'
    return re.sub(r"<!-- finsam:toc -->(?:<ol>.*?</ol>)?", lambda _: TOC_MARK + toc, page, count=1, flags=re.S)


# --- PDF ------------------------------------------------------------------------------------------

def browser_candidates() -> list[str]:
    names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
             "microsoft-edge", "microsoft-edge-stable", "msedge"]
    found = [shutil.which(n) for n in names]
    paths = []
    if sys.platform == "win32":
        for base in filter(None, [os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)"),
                                  os.environ.get("LOCALAPPDATA")]):
            paths += [Path(base) / "Google/Chrome/Application/chrome.exe",
                      Path(base) / "Microsoft/Edge/Application/msedge.exe",
                      Path(base) / "Chromium/Application/chrome.exe"]
    elif sys.platform == "darwin":
        for app in ("Google Chrome.app/Contents/MacOS/Google Chrome", "Chromium.app/Contents/MacOS/Chromium",
                    "Microsoft Edge.app/Contents/MacOS/Microsoft Edge"):
            paths += [Path("/Applications") / app, Path.home() / "Applications" / app]
    else:
        paths += [Path(p) for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium",
                                    "/usr/bin/google-chrome", "/opt/google/chrome/chrome",
                                    "/usr/bin/microsoft-edge", "/opt/microsoft/msedge/msedge")]
    return list(dict.fromkeys([p for p in found if p] + [str(p) for p in paths if p.is_file()]))


def find_browser(explicit: str | None = None) -> str | None:
    """A Chromium-family browser: ``explicit``, $FINSAM_BROWSER, then PATH and standard places."""
    for candidate in (explicit, os.environ.get("FINSAM_BROWSER")):
        if candidate:
            return candidate if Path(candidate).is_file() or shutil.which(candidate) else None
    found = browser_candidates()
    return found[0] if found else None


def footer_template(title: str) -> str:
    style = ("font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; font-size: 8.5pt; color: #555; "
             "width: 100%; margin: 0 18mm; display: flex; justify-content: space-between;")
    return (f'<div style="{style}"><span>{html.escape(title)}</span>'
            '<span>Sida <span class="pageNumber"></span> av <span class="totalPages"></span></span></div>')


class PdfPrinter:
    """One browser kept open to print many HTML files (use as a context manager)."""

    def __init__(self, browser: str | None = None):
        self.executable = find_browser(browser)
        if not self.executable:
            raise PublishError("Ingen Chromium-baserad webbläsare hittades (Chromium, Chrome eller Edge). "
                               "Installera en, eller ange sökvägen med FINSAM_BROWSER.")
        self._pw = self._browser = None

    def __enter__(self) -> "PdfPrinter":
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=self.executable, args=BROWSER_ARGS)
        except Exception as e:
            self._pw.stop()
            raise PublishError(f"Webbläsaren {self.executable} kunde inte startas: {e}") from e
        return self

    def __exit__(self, *exc):
        if self._browser:
            self._browser.close()
        if self._pw:
            self._pw.stop()

    def print(self, html_path: str | Path, pdf_path: str | Path, footer: str = "",
              page_numbers_in_toc: bool = True) -> Path:
        """Print an HTML file to an A4 PDF with "Sida X av Y" footers: tagged, with an outline.

        With ``page_numbers_in_toc`` the table of contents gets the page on which each heading
        falls. The contents' lines get their page-number boxes first, holding placeholder digits
        as wide as the numbers to come (tabular digits), so filling them in cannot move a line or
        a page break; a measuring layout (:meth:`_heading_pages`: nothing painted but the headings)
        reads the pages, and the report is printed once."""
        html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
        page = self._browser.new_page()
        try:
            page.goto(html_path.as_uri(), wait_until="load")
            if page_numbers_in_toc and page.locator("nav.toc").count():
                digits = 2
                while True:  # again only if a number is wider than its placeholder (100 pages or more)
                    page.evaluate(_SET_TOC_PAGES_JS, {"numbers": {}, "placeholder": "0" * digits, "final": False})
                    numbers = self._heading_pages(page, footer)
                    widest = len(str(max(numbers.values(), default=0)))
                    if widest <= digits:
                        break
                    digits = widest
                page.evaluate(_SET_TOC_PAGES_JS, {"numbers": numbers, "placeholder": "0" * digits, "final": True})
            page.pdf(path=str(pdf_path), **pdf_options(footer))
        finally:
            page.close()
        return pdf_path

    def _heading_pages(self, page, footer: str) -> dict[str, int]:
        """Page number per heading id, read from the outline of a measuring print: the same layout
        with nothing painted but the headings (``visibility`` does not move anything; the headings
        make the outline), which costs a third of a full print."""
        page.evaluate(_MEASURING_JS, True)
        try:
            data = page.pdf(**pdf_options(footer))
        finally:
            page.evaluate(_MEASURING_JS, False)
        ids = page.evaluate("() => Array.from(document.querySelectorAll('main h1[id], main h2[id]'))"
                            ".filter(h => !h.closest('nav')).map(h => [h.id, h.textContent.trim()])")
        return heading_pages_from_pdf(data, ids)


def pdf_options(footer: str) -> dict:
    """Playwright's page.pdf options of every report: A4, margins, "Sida X av Y" footer, tagged, outline."""
    return dict(format="A4", print_background=True, display_header_footer=True, header_template="<span></span>",
                footer_template=footer_template(footer), margin=PDF_MARGIN, outline=True, tagged=True)


# Every contents line gets its dotted leader and page box; a number not (yet) known shows the
# placeholder, whose digits are as wide as any number of as many digits (hidden in the final print).
_SET_TOC_PAGES_JS = """({numbers, placeholder, final}) => {
  for (const a of document.querySelectorAll('nav.toc a')) {
    const id = a.getAttribute('href').slice(1);
    let page = a.querySelector('.toc-page');
    if (!page) {
      const dots = document.createElement('span'); dots.className = 'toc-dots'; a.appendChild(dots);
      page = document.createElement('span'); page.className = 'toc-page'; a.appendChild(page);
    }
    page.textContent = id in numbers ? String(numbers[id]) : placeholder;
    page.style.visibility = id in numbers || !final ? '' : 'hidden';
  }
}"""

# The measuring print's style: nothing painted but the headings (layout unchanged).
_MEASURING_JS = """(on) => {
  const old = document.getElementById('finsam-measuring');
  if (old) old.remove();
  if (!on) return;
  const s = document.createElement('style');
  s.id = 'finsam-measuring';
  s.textContent = 'body * { visibility: hidden !important; } '
    + 'main h1, main h1 *, main h2, main h2 * { visibility: visible !important; }';
  document.head.appendChild(s);
}"""


def heading_pages_from_pdf(data: bytes, ids: list[list[str]]) -> dict[str, int]:
    """Match the PDF outline (bookmarks, in document order) to heading ids."""
    def key(text):  # Chromium drops spaces at line breaks and may repeat a title
        return "".join(text.split()).casefold()

    outline = pdf_outline(data)
    out, i = {}, 0
    for anchor, text in ids:
        norm = key(text)
        for j in range(i, len(outline)):
            if norm and key(outline[j][0]).startswith(norm):
                out[anchor] = outline[j][1]
                i = j + 1
                break
    return out


def pdf_outline(data: bytes) -> list[tuple[str, int]]:
    """(title, 1-based page) of a PDF's bookmarks, in order; [] without pypdf."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return []
    import io

    reader = PdfReader(io.BytesIO(data))
    out = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                try:
                    out.append((str(item.title), reader.get_destination_page_number(item) + 1))
                except Exception:
                    continue

    walk(reader.outline)
    return out


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, footer: str = "", browser: str | None = None) -> Path:
    with PdfPrinter(browser) as printer:
        return printer.print(html_path, pdf_path, footer)


# --- Excel ----------------------------------------------------------------------------------------

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

    from .safe_output import excel_text_cells

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
        from .provenance import SHEET, add_sheet

        add_sheet(wb, provenance)
        index.append([SHEET, "Vilka registreringsfiler, vilken finsam och vilket kommando som gjorde filen."])
    excel_text_cells(wb)
    wb.save(path)
    return path


def _write_table(ws, t, bold, head_fill, band, rule) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from . import tables as tb

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


def timed(label: str, timings: dict):
    """Context manager adding the elapsed seconds of a step to ``timings``."""
    @contextlib.contextmanager
    def run():
        start = time.perf_counter()
        yield
        timings[label] = timings.get(label, 0) + time.perf_counter() - start
    return run()


# --- A notebook report, end to end ----------------------------------------------------------------

FORMATS = ("html", "pdf", "xlsx")


def publish_report(notebook: str | Path, parameters: dict, out_dir: str | Path, stem: str, title: str,
                   formats=FORMATS, printer: PdfPrinter | None = None, km=None,
                   keep_notebook: bool = False, timings: dict | None = None,
                   stamp: dict | None = None) -> dict[str, Path]:
    """Execute a report notebook and export it: ``{stem}.html``, ``{stem}.pdf`` and the
    notebook's own Excel file (parameter ``xlsx_path`` = ``{stem}.xlsx``).

    ``printer``: an open PdfPrinter to reuse (batches); ``km``: a kernel manager to reuse;
    ``stamp``: a provenance stamp (provenance.for_output) put into every output: the HTML's
    colophon (and so the PDF's last page), the PDF's metadata, the Excel file (notebook
    parameter ``provenance``).
    """
    import tempfile

    import nbformat

    formats = tuple(formats)
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise PublishError(f"Okänt format: {', '.join(sorted(unknown))} (välj bland {', '.join(FORMATS)}).")
    timings = {} if timings is None else timings
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    params = dict(parameters, output_dir=str(out.resolve()))
    if "xlsx" in formats:
        paths["xlsx"] = out / f"{stem}.xlsx"
        params["xlsx_path"] = str(paths["xlsx"].resolve())
        if stamp:
            params["provenance"] = stamp
    executed = out / f"{stem}.ipynb" if keep_notebook else None
    with timed("execute", timings):
        nb = execute_notebook(notebook, executed, params, cwd=Path(notebook).resolve().parent, km=km)
    if executed:
        paths["ipynb"] = executed
    if not {"html", "pdf"} & set(formats):
        return paths
    with timed("html", timings):
        page = notebook_html(nbformat.from_dict(nb) if isinstance(nb, dict) else nb, title)
        if stamp:
            from .provenance import add_to_html

            page = add_to_html(page, stamp)
        html_path = out / f"{stem}.html" if "html" in formats else Path(tempfile.mkdtemp()) / f"{stem}.html"
        html_path.write_text(page, encoding="utf-8")
    if "html" in formats:
        paths["html"] = html_path
    if "pdf" in formats:
        with timed("pdf", timings):
            pdf = out / f"{stem}.pdf"
            if printer is not None:
                printer.print(html_path, pdf, footer=title)
            else:
                html_to_pdf(html_path, pdf, footer=title)
            paths["pdf"] = pdf
        if stamp:
            from .provenance import stamp_pdf

            with timed("stamp", timings):
                stamp_pdf(pdf, stamp, title)
        if "html" not in formats:
            shutil.rmtree(html_path.parent, ignore_errors=True)
    return paths
