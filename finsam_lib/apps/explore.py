"""The explorer's logic: from the control values (years, area, indicator, survey,
split, figure) to the rows shown, a matplotlib figure and the explanatory notes.

Each area's figures (national, every förbund) come from figures.year.year_figures and its
cache, computed once, so an update is a filter and a plot. Pure over frames; the widgets live in
:mod:`finsam_lib.apps.explore_app`, which only calls into this module. The words and
control values are in :mod:`explore_labels`, the drawing in :mod:`explore_charts`.
"""
from __future__ import annotations

import html
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from finsam_lib.apps.explore_charts import (
    _empty_figure,
    chart_rows,
    distribution_chart,
    keyfigure_chart,
    png_bytes,
    svg_text,
)
from finsam_lib.apps.explore_labels import (
    FIGURES,
    GROUP_ORDER,
    NATIONAL,
    SPLIT_GROUPS,
    SPLITS,
    TOO_FEW,
    Selection,
    chart_title,
    group_label,
    indicator_label,
    notes,
    splits,
    year_label,
    year_slug,
)
from finsam_lib.base import format as fmt
from finsam_lib.base.safe_output import csv_safe
from finsam_lib.figures import method as fig
from finsam_lib.figures import privacy
from finsam_lib.figures import year as yf
from finsam_lib.instrument import definition as ins
from finsam_lib.present import tables as tb
from finsam_lib.registration.names import safe_filename
from finsam_lib.registration.reader import nfc

# What the explorer's users (explore_app, the tests, the benchmarks) import from here.
__all__ = ["FIGURES", "NATIONAL", "SPLIT_GROUPS", "SPLITS", "TOO_FEW", "Explorer", "Selection", "View", "chart_rows",
           "demo_data", "find_data", "indicator_label", "year_label", "year_slug"]

VIEW_COLUMNS = ["year", "forbund", "survey", "question", "indicator", "group", "n", *fig.CODE_COLUMNS,
                *fig.PCT_COLUMNS, "suppressed", "series", "key", "scale", "version", "text", "nyckeltal_ci_low",
                "nyckeltal_ci_high"]


@dataclass
class View:
    """What one selection shows: the rows (``frame``, raw numbers), the chart and the notes.

    The chart is drawn when first asked for (``figure``, ``svg``, ``png``); ``release``
    lets it go once the SVG is made, so a figure lives for one update only (see
    explore_app.ExplorerApp.update), and comes back on demand for saving."""
    selection: Selection
    frame: pd.DataFrame
    draw: Callable[[], Figure]
    title: str
    notes: list[str] = field(default_factory=list)
    _figure: Figure | None = None
    _png: bytes | None = None
    _svg: str | None = None

    @property
    def figure(self) -> Figure:
        if self._figure is None:
            self._figure = self.draw()
        return self._figure

    def release(self) -> None:
        self._figure = None

    @property
    def stem(self) -> str:
        """A file name built from the selection."""
        s = self.selection
        return "_".join([
            "utforskare", safe_filename(s.area), f"indikator-{s.indicator}", safe_filename(s.survey),
            s.split, s.figure, year_slug(s.years)])

    def png(self) -> bytes:
        """The chart as PNG, rendered once (see :func:`png_bytes`); for saving."""
        if self._png is None:
            self._png = png_bytes(self.figure)
        return self._png

    def svg(self) -> str:
        """The chart as inline SVG whose text stays text; for the screen. Four times
        quicker than a PNG for a chart with many labels (no glyphs to rasterise)."""
        if self._svg is None:
            self._svg = svg_text(self.figure)
        return self._svg

    def table(self) -> pd.DataFrame:
        """The table as shown, with Swedish headers (what the CSV holds)."""
        return display_table(self.frame, self.selection)

    def table_html(self) -> str:
        return table_html(self.frame, self.selection)

    def save(self, folder: Path | str, kind: str) -> Path:
        """Write the chart (``png``) or the table (``csv``; semicolons and a BOM so
        Excel opens it with å, ä, ö) to ``folder``; returns the path."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.stem}.{kind}"
        if kind == "png":
            path.write_bytes(self.png())
        elif kind == "csv":
            csv_safe(self.table()).to_csv(path, sep=";", index=False, encoding="utf-8-sig")
        else:
            raise ValueError(kind)
        return path


class Explorer:
    """The figures behind the explorer, each area's computed once.

    ``source``: registration files and folders or a Dataset (with ``history``, a list of
    history.Change); every area's figures come from figures.year.year_figures (nationally, or a
    förbund's with its predecessors' years) and its cache. ``cache=False`` computes them afresh
    on every call (the plain way; for the benchmark)."""

    def __init__(self, source, min_n: int = fig.MIN_N, cache: bool = True, history: list | None = None):
        self.source, self.min_n, self.cache, self.history = source, min_n, cache, history
        self.data = data = yf.dataset(source)
        self.years = sorted(int(y) for y in data.respondents.year.unique())
        self.forbund = yf.forbund_names(source, self.years[-1], history) if self.years else []
        self._last = data.respondents.groupby("forbund").year.max().to_dict()  # a förbund's latest year
        self._surveys: dict = {}

    # --- the figures --------------------------------------------------------------------------

    def distribution(self, forbund: str | None) -> pd.DataFrame:
        """Every figure of the area (all years; year_figures of its latest year: disclosure
        applied once); the name is compared after Unicode NFC."""
        forbund = None if forbund is None else nfc(forbund)
        if forbund is not None and forbund not in self.forbund:
            return pd.DataFrame(columns=VIEW_COLUMNS)
        last = self.years[-1] if forbund is None else int(self._last.get(forbund, self.years[-1]))
        return yf.year_figures(self.source, last, forbund, self.min_n, history=self.history,
                               cache=self.cache).dist

    def warm(self) -> None:
        """Compute both levels now (the first update is then as fast as the rest)."""
        self.distribution(None)
        if self.forbund:
            self.distribution(self.forbund[0])

    # --- what the controls offer ------------------------------------------------------------

    def areas(self) -> list[str]:
        """The area dropdown: Hela landet first, then the förbund alphabetically."""
        return [NATIONAL, *self.forbund]

    def indicators(self) -> list[int]:
        """Indicators with answers in the data."""
        present = set(self.distribution(None).indicator)
        return [i for i in ins.measured_indicators() if i in present]

    def surveys(self, indicator: int, forbund: str | None = None) -> list[str]:
        """Surveys with answers on the indicator in the area (any year), in the report's order."""
        key = (indicator, forbund)
        if key not in self._surveys:
            d = self.distribution(forbund)
            have = set(d.loc[(d.indicator == indicator) & (d.n > 0), "survey"])
            self._surveys[key] = [s for s in ins.SURVEYS if s in have]
        return self._surveys[key]

    splits = staticmethod(splits)  # each split and whether the survey has it (explore_labels.splits)

    # --- one selection ----------------------------------------------------------------------

    def frame(self, s: Selection) -> pd.DataFrame:
        """The rows of the selection: year, question and group, with every figure
        (suppressed ones blank, as in figures.csv)."""
        d = self.distribution(s.forbund)
        if not s.survey:
            return pd.DataFrame(columns=VIEW_COLUMNS)
        groups = SPLIT_GROUPS[s.split] if self.splits(s.survey).get(s.split) else ["samtliga"]
        keep = ((d.indicator == s.indicator) & (d.survey == s.survey) & d.year.isin(s.years)
                & d.group.isin(groups))
        out = _with_text(d.loc[keep])
        out = (out.assign(_g=out.group.map(GROUP_ORDER))
               .sort_values(["year", "question", "_g"]).drop(columns="_g"))
        return out.reset_index(drop=True)[VIEW_COLUMNS]

    def view(self, s: Selection) -> View:
        frame = self.frame(s)
        title = chart_title(s)
        if not s.survey:  # the area has no answers on the indicator at all
            where = fmt.join_words(ins.SURVEY_LABELS.get(x, x) for x in self.surveys(s.indicator))
            message = (f"{s.area} har inga svar på indikator {s.indicator} något år."
                       + (f" Indikatorn mäts i enkäten {where}." if where else ""))
            return View(s, frame, lambda: _empty_figure(title, message), title, [message])
        chart = keyfigure_chart if s.figure == "nyckeltal" else distribution_chart
        return View(s, frame, lambda: chart(frame, s, title), title, notes(frame, s, self.min_n))

    def default(self) -> Selection:
        indicator = self.indicators()[0]
        return Selection(tuple(self.years), None, indicator, self.surveys(indicator)[0])


def _with_text(dist: pd.DataFrame) -> pd.DataFrame:
    """Add each question's wording (in its year's version)."""
    q = ins.questions()[["version", "survey", "question", "text"]]
    return dist.merge(q, on=["version", "survey", "question"], how="left")


# --- the table ----------------------------------------------------------------------------------

def _value_columns(frame: pd.DataFrame, s: Selection) -> list[tuple[str, str]]:
    if s.figure == "nyckeltal":
        return [("nyckeltal_pct", "Nyckeltal")]
    yes_no = (frame.scale == "III").any()
    scaled = (frame.scale != "III").any() or frame.empty
    neg = "Negativt" if not yes_no else "Nej" if not scaled else "Negativt / Nej"
    pos = "Positivt" if not yes_no else "Ja" if not scaled else "Positivt / Ja"
    cols = [("negativt_pct", neg)]
    if scaled:
        cols.append(("varken_pct", "Varken eller"))
    cols.append(("positivt_pct", pos))
    if scaled:
        cols.append(("klart_positivt_pct", "Klart positivt"))
    return cols


def display_table(frame: pd.DataFrame, s: Selection) -> pd.DataFrame:
    """Swedish headers, one row per year, question and group; suppressed figures
    blank with a comment."""
    out = pd.DataFrame({
        "Förbund": s.area,
        "Enkät": frame.survey,
        "Indikator": frame.indicator.astype("Int64"),
        "År": frame.year.astype("Int64"),
        "Fråga": frame.question.astype("Int64"),
        "Grupp": frame.group.map(group_label),
        "Antal svar (n)": privacy.shown_n(frame) if len(frame) else frame.n.astype("Int64"),
    })
    for col, header in _value_columns(frame, s):
        out[header] = frame[col].astype("Float64").round().astype("Int64")
    if s.intervals and s.figure == "nyckeltal":
        out["95 % intervall, lägre"] = frame.nyckeltal_ci_low.astype("Float64").round().astype("Int64")
        out["95 % intervall, övre"] = frame.nyckeltal_ci_high.astype("Float64").round().astype("Int64")
    out["Kommentar"] = np.where(frame.suppressed.astype(bool), TOO_FEW, "")
    return out


TABLE_CSS = """<style>
.finsam-explore-table {border-collapse: collapse; font-size: 14px; margin: 4px 0 8px 0;}
.finsam-explore-table th, .finsam-explore-table td {padding: 3px 10px; border-bottom: 1px solid #e0e0e0;}
.finsam-explore-table th {text-align: right; background: #f5f5f5; font-weight: 600;}
.finsam-explore-table th.text, .finsam-explore-table td.text {text-align: left;}
.finsam-explore-table td.num {text-align: right; font-variant-numeric: tabular-nums;}
.finsam-explore-table td.few {color: #595959; font-style: italic;}
.finsam-explore-table tr.first td {border-top: 2px solid #bdbdbd;}
</style>"""


def table_html(frame: pd.DataFrame, s: Selection) -> str:
    """The table in Swedish number style; rows and cells carry data- attributes
    (year, question, group, column) for tests."""
    if frame.empty:
        return ""
    cols = _value_columns(frame, s)
    head = ("<tr><th class='text'>År</th><th class='text'>Fråga</th><th class='text'>Grupp</th>"
            "<th>Antal svar (n)</th>" + "".join(f"<th>{html.escape(h)}</th>" for _, h in cols) + "</tr>")
    body, last = [], None
    for r in frame.itertuples():
        first = (r.year, r.question) != last
        last = (r.year, r.question)
        attrs = (f" data-year='{r.year}' data-question='{r.question}' data-group='{html.escape(r.group, quote=True)}'"
                 + (" class='first'" if first else ""))
        cells = [f"<td class='text'>{r.year if first else ''}</td>",
                 f"<td class='text'>{r.question if first else ''}</td>",
                 f"<td class='text'>{html.escape(group_label(r.group))}</td>",
                 f"<td class='num' data-col='n'>{fmt.DASH if r.suppressed else fmt.number(r.n)}</td>"]
        if r.suppressed:
            cells.append(f"<td class='few' colspan='{len(cols)}' data-col='suppressed'>{TOO_FEW}</td>")
        else:
            for col, _ in cols:
                text = fmt.percent(getattr(r, col))
                if s.intervals and col == "nyckeltal_pct":
                    text += fmt.NBSP + tb.interval_text(r.nyckeltal_ci_low, r.nyckeltal_ci_high)
                cells.append(f"<td class='num' data-col='{col}'>{html.escape(text)}</td>")
        body.append(f"<tr{attrs}>{''.join(cells)}</tr>")
    selection = (f" data-area='{html.escape(s.area, quote=True)}' data-indicator='{s.indicator}'"
                 f" data-survey='{html.escape(s.survey, quote=True)}' data-split='{s.split}'"
                 f" data-figure='{s.figure}' data-years='{','.join(map(str, sorted(s.years)))}'")
    return (f"{TABLE_CSS}<table class='finsam-explore-table'{selection}><thead>{head}</thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


# --- finding the data ---------------------------------------------------------------------------

def _has_workbooks(folder: Path) -> bool:
    return folder.is_dir() and any(p for p in folder.rglob("*.xlsx") if not p.name.startswith(("~$", ".")))


def find_data(start: Path | str | None = None) -> Path | None:
    """The registration files to explore: $FINSAM_DATA, else a ``data/`` folder with
    workbooks in ``start`` (default: the working folder) or its two parents, else the
    project's ``data/`` next to the package. None when there is none."""
    env = os.environ.get("FINSAM_DATA")
    if env:
        return Path(env)
    start = Path(start or Path.cwd()).resolve()
    candidates = [p / "data" for p in [start, *list(start.parents)[:2]]]
    candidates.append(Path(__file__).resolve().parents[2] / "data")
    return next((c for c in candidates if _has_workbooks(c)), None)


def demo_data(folder: Path | str | None = None, seed: int = 0) -> Path:
    """The demo set in a temporary folder, written once and reused (≈ 7 s the first time)."""
    from finsam_lib.apps.demo import write_demo
    folder = Path(folder or Path(tempfile.gettempdir()) / f"finsam-demo-{seed}")
    if (folder / ".complete").exists():
        return folder
    work = Path(tempfile.mkdtemp(prefix="finsam-demo-", dir=folder.parent))
    write_demo(work, seed=seed)
    (work / ".complete").write_text("ok", encoding="utf-8")
    try:
        work.rename(folder)
    except OSError:  # another process finished first
        shutil.rmtree(work, ignore_errors=True)
    return folder
