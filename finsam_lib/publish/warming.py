"""What the first report of a process warms up while its kernel runs the notebook and the process
itself only waits (publish.publish_report): the HTML exporter, and a new browser with a print of
a report page in little. On a cold `finsam report forbund` (demo set) that took the HTML export
from 0.36 to 0.01 s and the first print from about 1.85 to 1.2-1.3 s.
"""
from __future__ import annotations

import contextlib

from finsam_lib.publish import report_html
from finsam_lib.publish.pdf import BackgroundPrinter


def warm_up_exports(formats, printer=None):
    """Start warming what ``formats`` will need: the exporter (:func:`exporter_warming`; returns
    its thread, or None, to join before exporting) and, for PDF, a BackgroundPrinter's new
    browser (pdf.PdfPrinter.warm_up of :func:`warm_up_page`, queued in the printer's thread)."""
    if "pdf" in formats and isinstance(printer, BackgroundPrinter) and not printer.warmed:
        printer.warm_up(warm_up_page())
    return exporter_warming(formats)


def warm_up_page() -> str:
    """A report's page in little (templates/printer_warm_up.html.j2, the report's stylesheet), for
    a new browser's warm-up print (pdf.PdfPrinter.warm_up)."""
    from finsam_lib.present.templating import render

    return render("printer_warm_up.html.j2", css=report_html.stylesheet())


def warm_exporter() -> None:
    """The HTML exporter built and its templates loaded (an empty notebook exported), so that
    the first report's export finds them ready: about 0.3 s of a cold `finsam report` (importing
    nbconvert, compiling the template), done by :func:`exporter_warming` while the kernel runs
    the notebook and this process only waits."""
    import nbformat

    with contextlib.suppress(Exception):  # a broken exporter is the export's to report, by name
        report_html.report_exporter().from_notebook_node(nbformat.v4.new_notebook(), resources={"finsam": {
            "title": "", "css": "", "lang": "sv"}})


def exporter_warming(formats):
    """A thread warming the HTML exporter (:func:`warm_exporter`) when ``formats`` need HTML and
    this process has not exported yet, else None; join it before exporting."""
    import threading

    if not {"html", "pdf"} & set(formats) or report_html.report_exporter.cache_info().currsize:
        return None
    thread = threading.Thread(target=warm_exporter, name="finsam-exporter", daemon=True)
    thread.start()
    return thread
