"""Publishing: run a report notebook, export it as self-contained HTML (:mod:`report_html`) and
print that to an A4 PDF in a Chromium-family browser (Excel workbooks: :mod:`excel`).

Nothing here knows what a report contains: notebooks, HTML and
:class:`tables.ReportTable` objects go in, files come out.
"""
from __future__ import annotations

import contextlib
import functools
import shutil
import time
from pathlib import Path

from finsam_lib.publish.pdf import BackgroundPrinter, PdfPrinter, PublishError, html_to_pdf
from finsam_lib.publish.report_html import notebook_html


def _without_slow_iri_check() -> None:
    """Leave jsonschema's optional ``iri`` format check out of this process. papermill and
    nbconvert import nbformat, nbformat imports jsonschema, and jsonschema (4.26) imports
    rfc3987-syntax (1.1.0) for that check, which compiles its Lark grammars on import: 1.7 s of
    a report's cold start here (python-jsonschema/jsonschema#1428). No notebook schema uses the
    ``iri`` format; jsonschema skips a check whose library does not import. Nothing changes if
    jsonschema's formats were imported already."""
    import sys

    if "jsonschema._format" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


_without_slow_iri_check()


def notebook_path(name: str) -> Path:
    """A report notebook shipped with finsam (in the checkout's or the wheel's folder:
    :func:`notebooks.folder`)."""
    from finsam_lib.publish import notebooks

    path = notebooks.folder() / name
    if not path.is_file():
        raise PublishError(f"Rapportens notebook {name} finns inte i {path.parent}.")
    return path


# --- Running notebooks ----------------------------------------------------------------------------

# A report's kernel keeps no input history: IPython writes every cell to its SQLite history,
# about 60 ms of a förbund report's 0.46 s of kernel CPU (0.46 -> 0.40 s, measured side by side).
# Nor does it keep every cell's result (Out[n]): a batch's kernel would hold every report it
# made, sections, tables and charts, until it stops. Nor does it sleep 0.5 ms after every cell
# before replying (ipykernel's _execute_sleep, "on rare occasions, the flush doesn't seem to make
# it to the clients"): a cell's outputs and its idle status come in order on IOPub, and the
# notebook client waits for that status, so nothing is lost; a cell's round trip took 4.8 ms
# instead of 6.0-7.5 ms (13 cells a förbund report).
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False", "--InteractiveShell.cache_size=0",
                    "--IPythonKernel._execute_sleep=0"]

# What a kernel that makes report after report runs after its first (freeze_kernel).
FREEZE_CODE = "import gc\ngc.collect()\ngc.freeze()"


def start_kernel(kernel_name: str = "python3"):
    """A kernel (manager) started with this interpreter, its chatter silenced and without input
    history (KERNEL_ARGUMENTS); reuse it for several notebooks and shut it down with
    ``km.shutdown_kernel()``."""
    import subprocess

    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=kernel_name, client_factory=_ready_client())
    km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, extra_arguments=KERNEL_ARGUMENTS)
    return km


@functools.lru_cache(maxsize=1)
def _ready_client():
    """jupyter_client's blocking kernel client, but ready sooner: papermill connects a new client
    for every notebook, and its wait_for_ready ends by waiting 0.2 s for IOPub to fall silent (and
    as long again when IOPub has not yet connected) — a fifth of a förbund report's own work on a
    warm kernel. The same checks here, without the wait for silence: the kernel answered
    kernel_info on the shell channel and something came on IOPub within 20 ms (else ask again),
    then what IOPub holds is drained; a message still on its way later has another request as
    its parent, which the notebook client passes over."""
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
        while True:  # what came meanwhile, without waiting for silence (20 ms of every report)
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=0))
            except Empty:
                break

    return type("ReadyKernelClient", (BlockingKernelClient,), {"wait_for_ready": run_sync(wait_for_ready)})


def freeze_kernel(km, timeout: float = 60) -> None:
    """Leave what a kernel holds now out of the collector's full passes (FREEZE_CODE: garbage
    collected, then gc.freeze()). A batch's kernel runs it after its first report, when it has
    imported its modules, compiled its templates and cached the year's figures: some 220 000
    objects that every full collection would otherwise walk again. On the demo set such a pass
    took about 150 ms every third or fourth förbund report, 17–33 ms after the freeze. Objects
    are still freed when no longer referenced; only cycles among the frozen ones stay."""
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=timeout)
        client.execute_interactive(FREEZE_CODE, silent=True, store_history=False, timeout=timeout)
    finally:
        client.stop_channels()


def warm_up_code(notebook: str | Path, source: str, year: int, min_n: int, exclude_invalid: bool = False,
                 handoff: str | Path | None = None, every_forbund: bool = False) -> str:
    """What a kernel started early runs while the command line reads and checks the files itself:
    the imports of the notebook's reading cell (the code cell after its parameters) and
    figures.year.prepare of the year, so that the notebook finds modules and figures in place;
    ``handoff``: the files as the batch's main process read them, to take instead of reading
    them again (figures.year.hand_over); ``every_forbund``: every förbund's figures made at once,
    for a kernel that makes many förbund reports (figures.year.EveryForbund)."""
    arguments = [repr(source), str(int(year)), str(int(min_n)), str(bool(exclude_invalid)),
                 *([f"handoff={str(handoff)!r}"] if handoff is not None else []),
                 *(["every_forbund=True"] if every_forbund else [])]
    return "\n".join([*notebook_imports(notebook), f"prepare({', '.join(arguments)})"])


def notebook_imports(notebook: str | Path) -> list[str]:
    """The import lines of a report notebook's reading cell (the code cell after its parameters),
    and figures.year.prepare's: what a kernel that will run it can import before it has anything
    to read (warm_up_code; batch.Pool while the files are read)."""
    import json

    cells = [c for c in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    at = next((i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), -1)
    reading = "".join(cells[at + 1]["source"]).splitlines() if at + 1 < len(cells) else []
    return [line for line in reading if line.startswith(("import ", "from "))] + [
        "from finsam_lib.figures.year import prepare"]


def imports_code(*notebooks: str | Path) -> str:
    """The report notebooks' import lines (:func:`notebook_imports`), each once: what a kernel
    started before the files are read runs first (batch workers, report_commands.started_for)."""
    return "\n".join(dict.fromkeys(line for notebook in notebooks for line in notebook_imports(notebook)))


def ready_kernel(attempts: int = 4, warm_up: str | None = None):
    """A kernel (start_kernel) that has answered, retried when several processes start theirs at
    the same moment and collide on ports; ``warm_up``: code sent to it to run (stop_on_error off:
    a failure in it is the notebook's to report). Returns (kernel manager, client that sent the
    warm-up or None; stop its channels when done)."""
    import random

    for attempt in range(1, attempts + 1):
        km = client = None
        try:
            km = start_kernel()
            client = km.client()
            client.start_channels()
            client.wait_for_ready(timeout=60)
            if not warm_up:
                client.stop_channels()
                return km, None
            client.execute(warm_up, silent=True, store_history=False, stop_on_error=False)
            return km, client
        except Exception:
            if client is not None:
                with contextlib.suppress(Exception):
                    client.stop_channels()
            if km is not None:
                with contextlib.suppress(Exception):
                    km.shutdown_kernel(now=True)
            if attempt == attempts:
                raise
            time.sleep(0.2 + random.random() * attempt)


class Started:
    """A kernel and, for PDF, a browser, started for one report while the caller goes on (reading
    and checking the files): the kernel in a thread of its own (:func:`ready_kernel`, running
    ``warm_up`` meanwhile, see :func:`warm_up_code`), the browser in its (pdf.BackgroundPrinter).
    :meth:`kernel` waits for the kernel; ``printer`` is None without PDF. Use as a context
    manager: both are shut down on leaving. No browser for a PDF raises PublishError at once."""

    def __init__(self, formats, warm_up: str | None = None, browser: str | None = None):
        from concurrent.futures import ThreadPoolExecutor

        import jupyter_client.manager  # noqa: F401  # here, not by two threads at once (publish_report)

        self.printer = BackgroundPrinter(browser) if "pdf" in formats else None
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="finsam-kernel")
        self._kernel = self._thread.submit(ready_kernel, warm_up=warm_up)

    def kernel(self):
        return self._kernel.result()[0]

    def send(self, code: str) -> None:
        """Send ``code`` for the kernel to run after its warm-up, without waiting for it (batch.Pool:
        the year's figures, once the files are read): a notebook run next waits for it, as for the
        warm-up. The kernel must have been started with a warm-up (the client that sent it sends this)."""
        client = self._kernel.result()[1]
        if client is None:
            raise RuntimeError("Started.send needs a kernel started with a warm-up")
        client.execute(code, silent=True, store_history=False, stop_on_error=False)

    def __enter__(self) -> "Started":
        return self

    def __exit__(self, *exc):
        # The kernel shut down in its thread while the browser closes in its own (0.1 s each).
        stopped = self._thread.submit(self._stop_kernel)
        try:
            if self.printer is not None:
                self.printer.close()
        finally:
            self._thread.shutdown()
            stopped.result()

    def _stop_kernel(self) -> None:
        if self._kernel.exception() is None:
            km, client = self._kernel.result()
            if client is not None:
                client.stop_channels()
            km.shutdown_kernel(now=True)


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
                   formats=FORMATS, printer: PdfPrinter | BackgroundPrinter | None = None, km=None,
                   keep_notebook: bool = False, timings: dict | None = None,
                   stamp: dict | None = None) -> dict[str, Path]:
    """Execute a report notebook and export it: ``{stem}.html``, ``{stem}.pdf`` and the
    notebook's own Excel file (parameter ``xlsx_path`` = ``{stem}.xlsx``).

    ``printer``: an open PdfPrinter to reuse (batches); ``km``: a kernel manager to reuse;
    ``stamp``: a provenance stamp (provenance.for_output) put into every output: the HTML's
    colophon (and so the PDF's last page), the PDF's metadata, the Excel file (notebook
    parameter ``provenance``: the path of the stamp's JSON file, removed after the run; the stamp
    itself with ``keep_notebook``).
    """
    import tempfile

    import nbformat

    from finsam_lib.publish.warming import warm_up_exports

    formats = tuple(formats)
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise PublishError(f"Okänt format: {', '.join(sorted(unknown))} (välj bland {', '.join(FORMATS)}).")
    timings = {} if timings is None else timings
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    params = dict(parameters, output_dir=str(out.resolve()))
    executed = out / f"{stem}.ipynb" if keep_notebook else None
    with timed("execute", timings), tempfile.TemporaryDirectory(prefix="finsam-") as tmp:
        if "xlsx" in formats:
            paths["xlsx"] = out / f"{stem}.xlsx"
            params["xlsx_path"] = str(paths["xlsx"].resolve())
            if stamp and keep_notebook:  # the kept notebook runs again as it is
                params["provenance"] = stamp
            elif stamp:  # as a file: the stamp as a literal in the parameters cell (some 200 files'
                # hashes) costs the kernel about 0.1 s to tokenize, hash and compile (issue 15)
                from finsam_lib.publish.provenance import write_json

                params["provenance"] = str(write_json(tmp, stamp, f"{stem}.provenance.json"))
        # Before the warming thread imports nbconvert, which imports jupyter_client too: two threads
        # importing one package at once can meet it partly initialised (an ImportError, seen once).
        import papermill  # noqa: F401

        warming = warm_up_exports(formats, printer)  # while this process only waits for the kernel
        nb = execute_notebook(notebook, executed, params, cwd=Path(notebook).resolve().parent, km=km)
    if executed:
        paths["ipynb"] = executed
    if not {"html", "pdf"} & set(formats):
        return paths
    with timed("html", timings):
        if warming is not None:  # still warming: the wait is the HTML's
            warming.join()
        page = notebook_html(nbformat.from_dict(nb) if isinstance(nb, dict) else nb, title)
        if stamp:
            from finsam_lib.publish.provenance import add_to_html

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
            from finsam_lib.publish.provenance import stamp_pdf

            with timed("stamp", timings):
                stamp_pdf(pdf, stamp, title)
        if "html" not in formats:
            shutil.rmtree(html_path.parent, ignore_errors=True)
    return paths
