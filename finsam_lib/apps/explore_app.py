"""The explorer's widgets (ipywidgets 8): controls that drive a chart, a table and
their notes, updated in place; buttons that save the current view. Runs in
JupyterLab and as a Voilà app (``finsam explore``). All figures come from
:mod:`finsam_lib.apps.explore`; this module only wires controls to it.
"""
from __future__ import annotations

import gc
import html
import os
import time
from pathlib import Path

import ipywidgets as w

from finsam_lib.apps.explore import (
    FIGURES,
    NATIONAL,
    SPLITS,
    Explorer,
    Selection,
    demo_data,
    find_data,
    indicator_label,
)
from finsam_lib.base import format as fmt
from finsam_lib.figures import method as fig
from finsam_lib.instrument import definition as ins
from finsam_lib.registration.reader import nfc

SPLIT_HINTS = {
    "Kön": "Arbetsgivare finns bara i remittentenkäten.",
    "Arbetsgivare": "Kön finns bara i deltagarenkäterna.",
    None: "Enkäten har ingen uppdelning på kön eller arbetsgivare.",
}
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
LABEL_WIDTH = "96px"


class Choice:
    """Toggle buttons of which ``multiple`` or exactly one are on; the chosen ones are
    blue (ipywidgets' own pressed grey is hard to tell from not pressed)."""

    def __init__(self, options: dict, value, width: str, multiple: bool = False):
        self.multiple = multiple
        chosen = set(value) if multiple else {value}
        self.buttons = {key: w.ToggleButton(value=key in chosen, description=label, layout=w.Layout(width=width))
                        for key, label in options.items()}
        self._callbacks = []
        self._quiet = False
        for key, button in self.buttons.items():
            self._paint(button)
            button.observe(lambda change, key=key: self._clicked(key, change), names="value")

    @property
    def value(self):
        on = [k for k, b in self.buttons.items() if b.value]
        return tuple(on) if self.multiple else (on[0] if on else None)

    @value.setter
    def value(self, value) -> None:
        chosen = set(value) if self.multiple else {value}
        self._quiet = True
        try:
            for key, button in self.buttons.items():
                button.value = key in chosen
                self._paint(button)
        finally:
            self._quiet = False

    def enable(self, allowed: dict, tooltip: str = "") -> None:
        for key, button in self.buttons.items():
            button.disabled = not allowed.get(key, False)
            button.tooltip = "" if allowed.get(key, False) else tooltip

    def observe(self, callback) -> None:
        self._callbacks.append(callback)

    @staticmethod
    def _paint(button) -> None:
        button.button_style = "primary" if button.value else ""

    def _clicked(self, key, change) -> None:
        if self._quiet:
            return
        button = self.buttons[key]
        if not self.multiple:
            # Exactly one is on: clicking another moves the choice, clicking the chosen one keeps it.
            self.value = key
            if not change["new"]:
                return
        self._paint(button)
        for callback in self._callbacks:
            callback()


class ExplorerApp:
    """The controls, chart, notes and table of one explorer; ``widget`` is what to display."""

    def __init__(self, explorer: Explorer, out: Path | str, about: str = ""):
        self.explorer = explorer
        self.out = Path(out)
        self.view = None
        self.seconds = 0.0  # time of the last update
        self._hold = False
        start = explorer.default()

        self.area = w.Dropdown(options=explorer.areas(), value=NATIONAL, layout=w.Layout(width="400px"))
        self.indicator = w.Dropdown(options=[(indicator_label(i), i) for i in explorer.indicators()],
                                    value=start.indicator, layout=w.Layout(width="400px"))
        self.survey = w.Dropdown(layout=w.Layout(width="400px"))
        self.splits = Choice(SPLITS, "samtliga", "110px")
        self.split_hint = w.HTML()
        self.figures = Choice(FIGURES, "nyckeltal", "140px")
        self.intervals = w.Checkbox(value=False, description="Visa 95 % intervall", indent=False,
                                    layout=w.Layout(width="180px"))
        self.intervals.add_class("finsam-explore-intervals")
        self.years = Choice({y: str(y) for y in explorer.years}, explorer.years, "66px", multiple=True)
        self.all_years = w.Button(description="Alla år", layout=w.Layout(width="80px"),
                                  tooltip="Visa alla år (utvecklingen över tid)")
        self.last_year = w.Button(description=f"Bara {explorer.years[-1]}", layout=w.Layout(width="90px"),
                                  tooltip="Visa bara det senaste året")
        self.save_png = w.Button(description="Spara diagrammet (PNG)", layout=w.Layout(width="190px"),
                                 tooltip="Sparar diagrammet som bild")
        self.save_csv = w.Button(description="Spara tabellen (CSV)", layout=w.Layout(width="190px"),
                                 tooltip="Sparar tabellen för Excel")
        self.status = w.HTML()
        self.chart = w.HTML(layout=w.Layout(max_width="820px", width="100%"))
        self.notes = w.HTML(layout=w.Layout(max_width="820px"))
        self.table = w.HTML()
        self.indicator_text = w.HTML(layout=w.Layout(max_width="820px"))

        for name, control in (("area", self.area), ("indicator", self.indicator), ("survey", self.survey)):
            control.add_class(f"finsam-explore-{name}")  # for tests and styling
        self._sync_surveys()
        for control in (self.area, self.indicator, self.survey):
            control.observe(self._changed, names="value")
        for choice in (self.splits, self.figures, self.years):
            choice.observe(self.update)
        self.intervals.observe(lambda _: self.update(), names="value")
        self.all_years.on_click(lambda _: self.set(years=self.explorer.years))
        self.last_year.on_click(lambda _: self.set(years=self.explorer.years[-1:]))
        self.save_png.on_click(lambda _: self.save("png"))
        self.save_csv.on_click(lambda _: self.save("csv"))

        def row(label, *items):
            return w.HBox([w.HTML(f"<b>{label}</b>", layout=w.Layout(width=LABEL_WIDTH)), *items],
                          layout=w.Layout(align_items="center", flex_flow="row wrap", margin="1px 0"))

        intro = w.HTML(
            "<h2 style='margin:0 0 4px 0'>Utforska indikatorerna</h2>"
            "<div style='color:#444'>Välj förbund (eller hela landet), indikator och enkät. Diagrammet och tabellen "
            "ändras direkt när du ändrar ett val. Blå knappar är valda; klicka på ett år för att ta med "
            "eller ta bort det.</div>"
            + (f"<div style='color:#595959;font-size:90%;margin:2px 0 6px 0'>{about}</div>" if about else ""))
        self.widget = w.VBox([
            intro,
            row("Förbund", self.area),
            row("Indikator", self.indicator),
            row("Enkät", self.survey),
            row("Uppdelning", *self.splits.buttons.values(), self.split_hint),
            row("Visa", *self.figures.buttons.values(), self.intervals),
            row("År", *self.years.buttons.values(), w.HTML("&nbsp;"), self.all_years, self.last_year),
            row("", self.save_png, self.save_csv, self.status),
            self.indicator_text,
            self.chart,
            self.notes,
            self.table,
        ], layout=w.Layout(padding="4px"))
        self.update()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- the controls' state --------------------------------------------------------------------

    @property
    def selection(self) -> Selection:
        area = None if self.area.value == NATIONAL else self.area.value
        return Selection(self.years.value, area, self.indicator.value, self.survey.value or "",
                         self.splits.value, self.figures.value, self.intervals.value)

    def set(self, **values) -> None:
        """Set several controls at once and update once: area (None or "Hela landet" for
        the country), indicator, survey, split, figure, years (an iterable)."""
        self._hold = True
        try:
            if "area" in values:
                self.area.value = nfc(values["area"]) if values["area"] else NATIONAL  # as the names read
            if "indicator" in values:
                self.indicator.value = values["indicator"]
            self._sync_surveys()
            if "survey" in values:
                self.survey.value = values["survey"]
                self._sync_splits()
            if "split" in values and Explorer.splits(self.survey.value).get(values["split"]):
                self.splits.value = values["split"]
            if "figure" in values:
                self.figures.value = values["figure"]
            if "years" in values:
                self.years.value = tuple(values["years"])
            if "intervals" in values:
                self.intervals.value = bool(values["intervals"])
        finally:
            self._hold = False
        self.update()

    def _sync_surveys(self) -> None:
        """Offer the surveys that have answers on the indicator in the area; keep the
        chosen one when it is still there."""
        area = None if self.area.value == NATIONAL else self.area.value
        surveys = self.explorer.surveys(self.indicator.value, area)
        options = [(ins.SURVEY_LABELS.get(s, s), s) for s in surveys] or [("Inga svar på indikatorn", "")]
        current = self.survey.value
        hold, self._hold = self._hold, True
        try:
            if list(self.survey.options) != options:
                self.survey.options = options
            self.survey.value = current if current in surveys else options[0][1]
            self.survey.disabled = not surveys
        finally:
            self._hold = hold
        self._sync_splits()

    def _sync_splits(self) -> None:
        """Disable the splits the survey does not have (and leave them)."""
        allowed = Explorer.splits(self.survey.value) if self.survey.value else {"samtliga": True}
        self.splits.enable(allowed, "Finns inte för den här enkäten")
        if not allowed.get(self.splits.value, False):
            self.splits.value = "samtliga"
        background = ins.BACKGROUND.get(self.survey.value) if self.survey.value else None
        self.split_hint.value = f"<span style='color:#595959;font-size:90%'>{SPLIT_HINTS[background]}</span>"

    def _changed(self, change) -> None:
        if self._hold:
            return
        if change["owner"] in (self.area, self.indicator):
            self._sync_surveys()
        elif change["owner"] is self.survey:
            self._sync_splits()
        self.update()

    # --- output -----------------------------------------------------------------------------

    def update(self) -> None:
        if self._hold:
            return
        start = time.perf_counter()
        # A chart is some 10 000 short-lived objects in reference cycles. With the collector
        # running meanwhile, part of them outlive two collections, reach the oldest
        # generation and, dead, later cost a full collection of 100–300 ms inside some
        # update. So: no collection while drawing, the figure let go, then one collection of
        # the youngest generation, where all of it still is (a few milliseconds).
        collecting = gc.isenabled()
        gc.disable()
        try:
            s = self.selection
            view = self.explorer.view(s)
            svg = view.svg()
            view.release()
            self.chart.value = chart_html(svg)
            self.notes.value = notes_html(view.notes)
            self.table.value = view.table_html()
            info = ins.indicators()[s.indicator]
            self.indicator_text.value = (
                f"<div style='margin-top:6px'><b>Indikator {html.escape(indicator_label(s.indicator))}:</b> "
                f"{html.escape(info.text)}</div>")
            self.view = view
            self.save_png.disabled = self.save_csv.disabled = view.frame.empty
            self.status.value = ""
        except Exception as e:  # show it rather than fail silently in a callback
            self.status.value = f"<span style='color:#b00020'>Något gick fel: {html.escape(repr(e))}</span>"
            raise
        finally:
            if collecting:
                gc.enable()
                gc.collect(0)
            self.seconds = time.perf_counter() - start

    def save(self, kind: str) -> Path | None:
        """Write the current chart (``png``) or table (``csv``) to the output folder."""
        if self.view is None or self.view.frame.empty:
            return None
        try:
            path = self.view.save(self.out, kind)
        except OSError as e:
            self.status.value = f"<span style='color:#b00020'>Kunde inte spara: {html.escape(str(e))}</span>"
            return None
        what = "diagrammet" if kind == "png" else "tabellen"
        self.status.value = (f"<span style='color:#1b5e20'>Sparade {what} som "
                             f"<code>{html.escape(str(path))}</code></span>")
        return path


def chart_html(svg: str) -> str:
    return f"<div class='finsam-explore-chart-box' style='width:100%;line-height:0'>{svg}</div>"


def notes_html(lines: list[str]) -> str:
    if not lines:
        return ""
    items = "".join(f"<div style='margin:2px 0'>{html.escape(line)}</div>" for line in lines)
    return f"<div class='finsam-explore-notes' style='color:#333;font-size:90%'>{items}</div>"


def settle() -> None:
    """Move everything loaded so far (modules, the data, the cached levels) out of the
    garbage collector's sight, so that a full collection walks only what updates make."""
    gc.collect()
    gc.freeze()


def default_out(data_dir: Path | None) -> Path:
    """$FINSAM_OUT, else output/explore of the project the data belong to (or of the
    working folder)."""
    env = os.environ.get("FINSAM_OUT")
    if env:
        return Path(env)
    if data_dir is not None and data_dir.name == "data":
        return data_dir.parent / "output" / "explore"
    if (PACKAGE_ROOT / "pyproject.toml").exists():
        return PACKAGE_ROOT / "output" / "explore"
    return Path.cwd() / "output" / "explore"


def start(data: Path | str | None = None, out: Path | str | None = None, min_n: int | None = None):
    """The explorer for the notebook: reads the data (``data``, $FINSAM_DATA, the
    project's data/ or else the demo set) and returns the app to display (or a
    message widget when the data cannot be explored)."""
    from finsam_lib.figures.year import dataset
    began = time.perf_counter()
    folder = Path(data) if data else find_data()
    demo = folder is None
    if demo:
        print("Inga registreringsfiler hittades i data/; utforskaren visar demodata med fiktiva svar. "
              "Första gången skapas de, det tar några sekunder …")
        folder = demo_data()
    min_n = min_n or int(os.environ.get("FINSAM_MIN_N", fig.MIN_N))
    data = dataset([folder])
    if data.errors:
        return w.HTML(f"<p><b>Filerna i {html.escape(str(folder))} har {len(data.errors)} fel</b> "
                      f"och kan inte utforskas förrän de är rättade. Kör <code>finsam validate "
                      f"{html.escape(str(folder))}</code> för att se dem.</p>")
    if data.tidy.empty:
        return w.HTML(f"<p>Inga svar i {html.escape(str(folder))}.</p>")
    # Each förbund's figures with its predecessors' years (forbund-historik.csv), as in its report.
    explorer = Explorer([folder], min_n=min_n)
    explorer.warm()
    settle()
    years = explorer.years
    about = (f"Data: {fmt.number(len(data.files))} registreringsfiler i {html.escape(str(folder))}, "
             f"{fmt.year_span(years[0], years[-1])}, {fmt.number(len(explorer.forbund))} förbund"
             + (" — <b>demodata, fiktiva svar</b>" if demo else "") + ".")
    app = ExplorerApp(explorer, out or default_out(None if demo else folder), about)
    app.load_seconds = time.perf_counter() - began
    return app


# --- serving the notebook with Voilà (`finsam explore`) ---------------------------------------------

NOTEBOOK = "explore.ipynb"


def notebook_path() -> Path:
    """The explorer notebook, in the checkout's or the wheel's folder (:func:`notebooks.folder`)."""
    from finsam_lib.publish import notebooks
    return notebooks.folder() / NOTEBOOK


def voila_command(notebook: Path, port: int) -> list[str]:
    import sys
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--show_tracebacks=True",
            "--Voila.log_level=WARN"]


def explore_env(data: Path | None, out: Path, min_n: int, base: dict | None = None) -> dict:
    """The environment Voilà (and so the notebook's kernel) runs in: absolute paths, since
    the kernel starts in the notebook's folder. The kernel imports the installed finsam_lib."""
    env = dict(os.environ if base is None else base)
    env.pop("FINSAM_DATA", None)
    if data is not None:
        env["FINSAM_DATA"] = str(Path(data).resolve())
    env["FINSAM_OUT"] = str(Path(out).resolve())
    env["FINSAM_MIN_N"] = str(min_n)
    return env


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    import socket
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(port: int, process, timeout: float = 60.0, host: str = "127.0.0.1") -> bool:
    """True once the server answers on the port; False if it exits or times out."""
    import socket
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False
