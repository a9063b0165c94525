"""The explorer's logic: from the control values (years, area, indicator, survey,
split, figure) to the rows shown, a matplotlib figure and the explanatory notes.

Each area's figures (national, every förbund) come from figures.year.year_figures and its
cache, computed once, so an update is a filter and a plot. Pure over frames; the widgets live in
:mod:`finsam_lib.apps.explore_app`, which only calls into this module.
"""
from __future__ import annotations

import html
import io
import os
import re
import shutil
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from finsam_lib.base import format as fmt
from finsam_lib.base.safe_output import csv_safe
from finsam_lib.figures import method as fig
from finsam_lib.figures import privacy
from finsam_lib.figures import year as yf
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts
from finsam_lib.present import tables as tb
from finsam_lib.registration.names import safe_filename
from finsam_lib.registration.reader import nfc

NATIONAL = "Hela landet"
TOO_FEW = privacy.TOO_FEW.capitalize()
SPLITS = {"samtliga": "Samtliga", "kon": "Kön", "arbetsgivare": "Arbetsgivare"}
FIGURES = {"nyckeltal": "Nyckeltal", "fordelning": "Svarsfördelning"}
SPLIT_GROUPS = {
    "samtliga": ["samtliga"],
    "kon": ["samtliga", *ins.GENDER_GROUPS],
    "arbetsgivare": ["samtliga", *ins.EMPLOYER_GROUPS],
}
# The background column a split needs.
SPLIT_BACKGROUND = {"kon": "Kön", "arbetsgivare": "Arbetsgivare"}
SPLIT_WORDS = {"Kön": "Kvinnor och män", "Arbetsgivare": "Per arbetsgivare"}
GROUP_LABELS = {"samtliga": "Samtliga", "kvinnor": "Kvinnor", "män": "Män"}
GROUP_ORDER = {g: i for i, g in enumerate(["samtliga", *ins.GENDER_GROUPS, *ins.EMPLOYER_GROUPS])}
GROUP_COLORS = {
    "samtliga": charts.OKABE_ITO["blue"], "kvinnor": charts.OKABE_ITO["vermillion"],
    "män": charts.OKABE_ITO["green"], "Arbetsförmedlingen": charts.OKABE_ITO["vermillion"],
    "Försäkringskassan": charts.OKABE_ITO["green"], "Kommun": charts.OKABE_ITO["purple"],
    "Hälso-Sjukvård": charts.OKABE_ITO["orange"],
}
# Stacked bars of the full distribution.
NEGATIVE, NEUTRAL = charts.OKABE_ITO["vermillion"], "#bdbdbd"
POSITIVE, CLEARLY = charts.OKABE_ITO["sky"], charts.OKABE_ITO["blue"]
VIEW_COLUMNS = ["year", "forbund", "survey", "question", "indicator", "group", "n", *fig.CODE_COLUMNS,
                *fig.PCT_COLUMNS, "suppressed", "series", "key", "scale", "version", "text", "nyckeltal_ci_low",
                "nyckeltal_ci_high"]


@dataclass(frozen=True)
class Selection:
    """The control values. ``forbund`` None means the whole country."""
    years: tuple[int, ...]
    forbund: str | None
    indicator: int
    survey: str
    split: str = "samtliga"
    figure: str = "nyckeltal"
    intervals: bool = False  # show the nyckeltal's 95 % interval (table and chart)

    @property
    def area(self) -> str:
        return self.forbund or NATIONAL


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


def png_bytes(figure: Figure, dpi: int = 200) -> bytes:
    """A figure as PNG, sharp enough to print or paste into a report."""
    buf = io.BytesIO()
    with charts.style():
        figure.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def svg_text(figure: Figure) -> str:
    """Inline SVG without prologue or fixed size (it scales to its container); text
    stays text in the house font."""
    buf = io.StringIO()
    with charts.style():
        figure.savefig(buf, format="svg")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    return re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r'<svg\1 class="finsam-explore-chart" role="img"',
                  svg, count=1)


def year_slug(years) -> str:
    """Years for a file name: '2018-2022' for a run of years, else '2019_2022'."""
    years = sorted(years)
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return "_".join(map(str, years))


def year_label(years) -> str:
    """(2018, 2019, 2020) -> '2018–2020'; (2019, 2022) -> '2019 och 2022'."""
    years = sorted(years)
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return fmt.year_span(years[0], years[-1])
    return fmt.join_words(years)


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

    @staticmethod
    def splits(survey: str) -> dict[str, bool]:
        """Each split and whether the survey has it."""
        background = ins.BACKGROUND.get(survey)
        return {s: s == "samtliga" or SPLIT_BACKGROUND[s] == background for s in SPLITS}

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


# --- text ---------------------------------------------------------------------------------------

def indicator_label(indicator: int) -> str:
    return f"{indicator}. {ins.indicators()[indicator].short_name}"


def group_label(group: str) -> str:
    return GROUP_LABELS.get(group, group)


def chart_title(s: Selection) -> str:
    what = "nyckeltal" if s.figure == "nyckeltal" else "svarsfördelning"
    survey = f"{ins.SURVEY_LABELS.get(s.survey, s.survey)}, " if s.survey else ""
    return f"Indikator {indicator_label(s.indicator)} – {survey}{s.area}, {what} {year_label(s.years)}"


def suppressed_words(frame: pd.DataFrame) -> str:
    """Which figures are not shown, e.g. 'fråga 3 per arbetsgivare år 2021 och 2022; fråga 4 år 2022'."""
    parts: dict[tuple, list[int]] = {}
    for (year, question), rows in frame.groupby(["year", "question"]):
        few = rows[rows.suppressed]
        if few.empty:
            continue
        split = rows[rows.group != "samtliga"]
        if len(few) == len(rows):
            what = ""
        elif len(split) and split.suppressed.all() and len(few) == len(split):
            what = " " + SPLIT_WORDS.get(ins.BACKGROUND.get(rows.survey.iloc[0]), "uppdelat").lower()
        else:
            what = " (" + fmt.join_words(group_label(g).lower() for g in few.group) + ")"
        parts.setdefault((int(question), what), []).append(int(year))
    return "; ".join(f"fråga {q}{what} år {fmt.join_words(years)}" for (q, what), years in parts.items())


def notes(frame: pd.DataFrame, s: Selection, min_n: int) -> list[str]:
    """The explanatory lines under the chart (Swedish)."""
    out = []
    if not s.years:
        return ["Välj minst ett år."]
    if frame.empty:
        return [f"Inga svar för {s.area} på indikator {s.indicator} i enkäten {s.survey} "
                f"{year_label(s.years)}."]
    suppressed = frame[frame.suppressed]
    if len(suppressed):
        out.append(f"{TOO_FEW}: {suppressed_words(frame)}. Uppgifter som bygger på färre än {min_n} svar "
                   f"visas inte, inte heller deras antal. En uppdelning visas inte när någon grupp har färre "
                   f"än {min_n} svar" + ("" if s.forbund is None else
                                          f", och inte heller när de som saknar uppgift om kön eller "
                                          f"arbetsgivare är färre än {min_n}") + ".")
    else:
        out.append(f"Uppgifter som bygger på färre än {min_n} svar visas inte; n = antal svar på frågan.")
    if s.intervals and s.figure == "nyckeltal":
        out.append("Inom parentes och som streck i diagrammet: 95 % konfidensintervall (Wilson) för nyckeltalet. "
                   "Ju färre svar, desto bredare intervall; skillnader inom intervallen kan bero på slumpen.")
    keys = set(frame.key)
    if s.figure == "nyckeltal":
        words = []
        if "klart" in keys:
            words.append("andelen klart positiva svar (5–6 på den sexgradiga skalan)")
        if "positiv" in keys:
            words.append("andelen positiva svar (4–6)" + (" för indikator 7" if len(keys) > 1 else ""))
        if "ja" in keys:
            words.append("andelen ja-svar" + (" för ja/nej-frågor" if len(keys) > 1 else ""))
        out.append("Nyckeltal = " + fmt.join_words(words, "och") + ".")
    else:
        text = ("Negativt = 1–2, Varken eller = 3, Positivt = 4–6, varav klart positivt = 5–6"
                if (frame.scale != "III").any() else "")
        if (frame.scale == "III").any():
            text += ("; för ja/nej-frågor" if text else "Ja/nej-frågor:") + " Nej och Ja"
        out.append(text + ". Varje andel avrundas för sig, så summan kan bli 99 eller 101 %.")
    if s.split == "kon" and Explorer.splits(s.survey)["kon"]:
        out.append("Samtliga omfattar också dem som inte uppgett kön.")
    if s.split == "arbetsgivare" and Explorer.splits(s.survey)["arbetsgivare"]:
        out.append("Samtliga omfattar också remittenter från annan eller ej angiven arbetsgivare.")
    missing = [y for y in sorted(s.years) if y not in set(frame.year)]
    if missing:
        out.append(f"Inga svar {fmt.join_words(missing)} ({s.area}, {s.survey}, indikator {s.indicator}).")
    if frame.series.nunique() > len(set(frame.loc[frame.year == frame.year.max(), "question"])):
        out.append("En fråga ändrades mellan åren: den följs då som en ny fråga, och linjen dras inte "
                   "över ändringen.")
    # Each measure's wording (in its latest year); an older wording with its years.
    last_year = frame.year.max()
    spans = frame.groupby("series").year.agg(["min", "max"])
    latest = frame.sort_values("year").drop_duplicates("series", keep="last")
    for r in latest.sort_values(["year", "question"], ascending=[False, True]).itertuples():
        scale = ins.SCALES.get(r.scale, {})
        ends = f" (svar {scale[min(scale)]} – {scale[max(scale)]})" if scale else ""
        first, last = spans.loc[r.series]
        when = f" ({fmt.year_span(int(first), int(last))})" if last < last_year else ""
        out.append(f"Fråga {r.question}{when}: {r.text}{ends}")
    return out


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


# --- the charts ---------------------------------------------------------------------------------

def chart_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows a bar chart draws: the frame's rows, except that a split whose groups
    are all suppressed becomes one row (group ``split``) saying so."""
    split = frame.group != "samtliga"
    if not split.any():
        return frame.assign(label_group=frame.group.map(group_label))
    hidden = (frame.suppressed | ~split).groupby([frame.year, frame.series]).transform("all") & split
    keep = frame[~hidden].assign(label_group=lambda f: f.group.map(group_label))
    collapsed = frame[hidden].drop_duplicates(["year", "series"]).copy()
    collapsed["group"] = "split"
    collapsed["label_group"] = collapsed.survey.map(lambda s: SPLIT_WORDS.get(ins.BACKGROUND.get(s), "Uppdelning"))
    out = pd.concat([keep, collapsed]) if len(collapsed) else keep
    order = out.group.map(GROUP_ORDER).fillna(len(GROUP_ORDER))
    return out.assign(_g=order).sort_values(["year", "question", "_g"]).drop(columns="_g").reset_index(drop=True)


def _row_labels(rows: pd.DataFrame) -> list[str]:
    """A bar's label: the year and question when they vary, then the group."""
    several_y, several_q = rows.year.nunique() > 1, rows.question.nunique() > 1
    labels = []
    for r in rows.itertuples():
        parts = [str(r.year)] if several_y else []
        if several_q:
            parts.append(f"Fråga {r.question}")
        parts.append(r.label_group)
        labels.append(" · ".join(parts))
    return labels


# Fixed margins in inches instead of a layout engine: constrained layout measures every
# text once more and doubled the drawing time of a large chart.
TITLE_LINE_IN = 0.2
_RENDERER = None


def _text_width_in(texts, size: float, **props) -> float:
    """Width in inches of the widest text at ``size`` points in the house font."""
    global _RENDERER
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties
    if _RENDERER is None:
        _RENDERER = RendererAgg(10, 10, 72)
    prop = FontProperties(family="sans-serif", size=size, **props)
    texts = sorted(set(texts), key=len, reverse=True)[:6]  # the longest few are enough
    return max((_RENDERER.get_text_width_height_descent(t, prop, ismath=False)[0] / 72 for t in texts),
               default=0.0)


def _wrap(text: str, width_in: float, size: float, **props) -> list[str]:
    """Lines of ``text`` no wider than ``width_in`` inches at ``size`` points."""
    for chars in range(len(text), 20, -4):
        lines = textwrap.wrap(text, chars)
        if _text_width_in(lines, size, **props) <= width_in:
            return lines
    return textwrap.wrap(text, 20)


def _figure(title: str, axes_height: float, left: float, right: float, bottom: float):
    """A figure with one axes placed by margins in inches, and its title."""
    lines = _wrap(title, charts.WIDTH_IN - 0.25, 10, weight="bold")
    top = 0.12 + TITLE_LINE_IN * len(lines)
    height = top + axes_height + bottom
    f = Figure(figsize=(charts.WIDTH_IN, height))
    ax = f.subplots()
    f.subplots_adjust(left=left / charts.WIDTH_IN, right=1 - right / charts.WIDTH_IN,
                      top=1 - top / height, bottom=bottom / height)
    f.text(0.1 / charts.WIDTH_IN, 1 - 0.08 / height, "\n".join(lines), ha="left", va="top", fontsize=10,
           fontweight="bold", linespacing=1.25)
    return f, ax


def _legend(f: Figure, ax, ncols: int) -> None:
    f.legend(*ax.get_legend_handles_labels(), loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=ncols,
             frameon=False, handlelength=2.6, borderaxespad=0.3)


def _empty_figure(title: str, message: str) -> Figure:
    with charts.style():
        f, ax = _figure(title, 0.9, 0.1, 0.1, 0.1)
        ax.axis("off")
        ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=10, color="#595959",
                transform=ax.transAxes, wrap=True)
    return f


def _hbars(ax, y, widths, lefts=0.0, color=CLEARLY, height: float = 0.7, label: str | None = None,
           edgecolor: str = "white", linewidth: float = 0.6):
    """Horizontal bars as one collection: far quicker than ``barh``, which adds (and
    re-measures) one patch per bar. The caller sets the axis limits."""
    y = np.asarray(y, dtype=float)
    widths = np.broadcast_to(np.asarray(widths, dtype=float), y.shape)
    lefts = np.broadcast_to(np.asarray(lefts, dtype=float), y.shape)
    colors = [color] * len(y) if isinstance(color, str) else list(color)
    shown = [i for i, wi in enumerate(widths) if wi > 0]
    verts = [[(lefts[i], y[i] - height / 2), (lefts[i] + widths[i], y[i] - height / 2),
              (lefts[i] + widths[i], y[i] + height / 2), (lefts[i], y[i] + height / 2)] for i in shown]
    coll = PolyCollection(verts, facecolors=[colors[i] for i in shown] or color, edgecolors=edgecolor,
                          linewidths=linewidth, label=label)
    ax.add_collection(coll, autolim=False)
    return coll


def _row_names(ax, y, labels) -> None:
    """Bar labels left of the axes: plain texts cost a third of what y ticks do."""
    ax.set_yticks([])
    where = ax.get_yaxis_transform()  # x in axes, y in data coordinates
    for yi, label in zip(y, labels):
        ax.text(-0.015, yi, label, transform=where, ha="right", va="center", fontsize=9, color="#262626")


def _too_few(ax, y) -> None:
    ax.text(1, y, TOO_FEW, va="center", ha="left", fontsize=8.5, color="#595959", style="italic")


def keyfigure_chart(frame: pd.DataFrame, s: Selection, title: str) -> Figure:
    """Nyckeltal: bars for one year, lines over years for several."""
    if frame.empty:
        return _empty_figure(title, notes(frame, s, 0)[0])
    if frame.year.nunique() == 1:
        return _bars(frame, title, s.intervals)
    return _lines(frame, s, title)


def _error(rows: pd.DataFrame, values: np.ndarray) -> np.ndarray:
    """matplotlib's asymmetric error sizes (2 × rows) from the rows' 95 % intervals (0 where none)."""
    low = np.nan_to_num(values - rows.nyckeltal_ci_low.to_numpy(dtype=float))
    high = np.nan_to_num(rows.nyckeltal_ci_high.to_numpy(dtype=float) - values)
    return np.vstack([np.clip(low, 0, None), np.clip(high, 0, None)])


def _bars(frame: pd.DataFrame, title: str, intervals: bool = False) -> Figure:
    rows = chart_rows(frame)
    values = rows.nyckeltal_pct.to_numpy(dtype=float)
    labels = _row_labels(rows)
    with charts.style():
        f, ax = _figure(title, 0.2 + 0.34 * len(rows), _text_width_in(labels, 9) + 0.2, 0.2, 0.55)
        y = np.arange(len(rows))[::-1]
        colors = [GROUP_COLORS.get(g, CLEARLY) for g in rows.group]
        _hbars(ax, y, np.nan_to_num(values), color=colors, height=0.65, edgecolor="#333333", linewidth=0.5)
        error = _error(rows, values) if intervals and "nyckeltal_ci_low" in rows else None
        if error is not None:
            shown = ~np.isnan(values)
            ax.errorbar(values[shown], y[shown], xerr=error[:, shown], fmt="none", ecolor="#333333",
                        elinewidth=1, capsize=3)
        for i, (yi, v) in enumerate(zip(y, values)):
            if np.isnan(v):
                _too_few(ax, yi)
            else:
                x = v + 1 if error is None else min(v + error[1, i] + 1, 101)
                ax.text(x, yi, fmt.percent(v), va="center", ha="left", fontsize=8.5)
        _row_names(ax, y, labels)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_xlim(0, 105)
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("Nyckeltal")
        charts.percent_axis(ax, "x")
        ax.grid(axis="y", visible=False)
    return f


def _lines(frame: pd.DataFrame, s: Selection, title: str) -> Figure:
    years = sorted(s.years)
    last_year = int(frame.year.max())
    several_q = frame.series.nunique() > 1
    series_order = list(dict.fromkeys(frame.sort_values(["question", "year"]).series))
    lines = sorted(frame.groupby(["series", "group"], sort=False),
                   key=lambda kv: (series_order.index(kv[0][0]), GROUP_ORDER.get(kv[0][1], 99)))
    lines = [(key, rows) for key, rows in lines if rows.nyckeltal_pct.notna().any()]
    ncols = min(3, max(1, len(lines)))
    legend_rows = -(-len(lines) // ncols)
    with charts.style():
        f, ax = _figure(title, 2.6, 0.8, 0.2, 0.35 + 0.22 * legend_rows + 0.1)
        annotate = len(lines) == 1  # several lines' labels collide; the table has the numbers
        for i, ((series, group), rows) in enumerate(lines):
            rows = rows.sort_values("year")
            name = group_label(group)
            if several_q:
                span = ""
                if int(rows.year.max()) < last_year:
                    span = f" ({fmt.year_span(int(rows.year.min()), int(rows.year.max()))})"
                name = f"Fråga {int(rows.question.iloc[-1])}{span}, {name.lower()}"
            values = rows.set_index("year").nyckeltal_pct.reindex(years).to_numpy(dtype=float)
            style = charts.LINESTYLES[series_order.index(series) % len(charts.LINESTYLES)]
            color = GROUP_COLORS.get(group, CLEARLY)
            ax.plot(years, values, color=color, linestyle=style, marker=charts.MARKERS[i % len(charts.MARKERS)],
                    markersize=6, linewidth=2, label=name)
            if s.intervals:
                r = rows.set_index("year").reindex(years)
                ax.errorbar(years, values, yerr=_error(r, values), fmt="none", ecolor=color, elinewidth=1,
                            capsize=3, alpha=0.8)
            if annotate:
                for x, v in zip(years, values):
                    if not np.isnan(v):
                        ax.annotate(fmt.percent(v), (x, v), textcoords="offset points", xytext=(0, 7),
                                    ha="center", fontsize=8, color=color)
        # Years with a suppressed figure: say so at the bottom, naming the groups when not all.
        few = frame[frame.suppressed]
        for year, rows in few.groupby("year"):
            everything = frame[frame.year == year].suppressed.all()
            text = "för få svar" + ("" if everything else
                                    "\n(" + ", ".join(dict.fromkeys(group_label(g).lower() for g in rows.group)) + ")")
            ax.text(year, 2, text, ha="center", va="bottom", fontsize=7.5, color="#595959", style="italic")
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
        ax.set_ylim(0, 105)
        ax.set_yticks(range(0, 101, 20))
        ax.set_ylabel("Nyckeltal")
        charts.percent_axis(ax)
        ax.grid(axis="x", visible=False)
        if lines:
            _legend(f, ax, ncols)
    return f


def distribution_chart(frame: pd.DataFrame, s: Selection, title: str) -> Figure:
    """Stacked bars: Negativt | Varken eller | Positivt, its klart positiva part darker;
    Nej | Ja for ja/nej questions. With many bars only the positive share is written."""
    if frame.empty:
        return _empty_figure(title, notes(frame, s, 0)[0])
    rows = chart_rows(frame)
    yes_no = (rows.scale == "III").to_numpy()
    labels = _row_labels(rows)
    pos = rows.positivt_pct.to_numpy(dtype=float)
    right = ["" if np.isnan(p) else f"{fmt.percent(p)} {'ja' if yn else 'positivt'}" for p, yn in zip(pos, yes_no)]
    with charts.style():
        f, ax = _figure(title, 0.2 + 0.3 * len(rows), _text_width_in(labels, 9) + 0.2,
                        _text_width_in(right, 8) + 0.2, 0.75)
        y = np.arange(len(rows))[::-1]
        neg = np.nan_to_num(rows.negativt_pct.to_numpy(dtype=float))
        mid = np.nan_to_num(rows.varken_pct.to_numpy(dtype=float))
        klart = np.where(yes_no, 0, np.nan_to_num(rows.klart_positivt_pct.to_numpy(dtype=float)))
        some = np.nan_to_num(pos) - klart
        mixed = yes_no.any() and not yes_no.all()
        segments = [(neg, 0, NEGATIVE, "Nej" if yes_no.all() else "Negativt (1–2)" + (" / Nej" if mixed else "")),
                    (mid, neg, NEUTRAL, "Varken eller (3)"),
                    (some, neg + mid, POSITIVE, "Ja" if yes_no.all() else "Positivt (4)" + (" / Ja" if mixed else "")),
                    (klart, neg + mid + some, CLEARLY, "Klart positivt (5–6)")]
        if yes_no.all():
            segments = [segments[0], segments[2]]
        for width, left, color, label in segments:
            _hbars(ax, y, width, left, color=color, label=label)
        inside = len(rows) <= 16  # segment labels only while they stay readable (and quick)
        for i, yi in enumerate(y):
            if np.isnan(pos[i]):
                _too_few(ax, yi)
                continue
            ax.text(101, yi, right[i], va="center", ha="left", fontsize=8, clip_on=False)
            if not inside:
                continue
            shown = [(neg[i], 0, "white")]
            shown += [(pos[i], neg[i], "black")] if yes_no[i] else [(mid[i], neg[i], "black"),
                                                                    (klart[i], neg[i] + mid[i] + some[i], "white")]
            for width, left, color in shown:
                if width >= 8:
                    ax.text(left + width / 2, yi, fmt.percent(width), va="center", ha="center",
                            fontsize=8, color=color)
        _row_names(ax, y, labels)
        ax.set_xlim(0, 100)
        ax.set_xticks(range(0, 101, 20))
        ax.set_ylim(-0.6, len(rows) - 0.4)
        charts.percent_axis(ax, "x")
        ax.grid(axis="y", visible=False)
        _legend(f, ax, len(segments))
    return f


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
