"""The meeting deck as data — its slides, headlines, charts, verdict groups and tables — and
:func:`chart_figure`, the one bridge to :mod:`charts` that both writers (``slides_pptx``,
``slides_html``) use. :mod:`slides` builds a :class:`Deck` from the figures.

Every shown percentage has passed minimum-n suppression; a suppressed figure is shown as
:data:`TOO_FEW` instead.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.base import swedish as sv
from finsam_lib.figures import privacy
from finsam_lib.figures import uncertainty as unc
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts
from finsam_lib.present import tables as tb
from finsam_lib.registration.names import safe_filename

TOO_FEW = privacy.TOO_FEW.capitalize()
REFERENCE = "Riket"
# Survey names as the deck shows them (table rows, measure labels).
SURVEY_NAMES = ins.survey_words("header")
NO_COMPARISON = "Ingen jämförelse"
VERDICT_SIGNS = {ins.INCREASE: "▲", ins.DECREASE: "▼", ins.NEITHER: "●", unc.NO_SURE_CHANGE: "●",
                 NO_COMPARISON: "–"}


@dataclass
class Headline:
    """The headline nyckeltal of an indicator slide: one measure, one group, this year."""
    survey: str
    question: int
    series: str
    group: str
    key: str
    question_text: str
    n: int
    value: float | None  # None when suppressed
    previous_year: int | None = None
    change: float | None = None  # pp since previous_year (both shown), else None
    national: float | None = None  # the national figure of the same measure (förbund decks)
    ci_low: float | None = None  # the value's 95 % interval (whole percent)
    ci_high: float | None = None
    change_low: float | None = None  # the change's 95 % interval (whole pp) and verdict
    change_high: float | None = None
    change_verdict: str = ""  # uncertainty.INCREASE / DECREASE / UNSURE

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def measure(self) -> str:
        """``Deltagare pågående, fråga 1 · samtliga``"""
        return f"{SURVEY_NAMES.get(self.survey, self.survey)}, fråga {self.question} · {self.group}"

    @property
    def key_text(self) -> str:
        """``andelen klart positiva svar``"""
        return ins.key_label(self.key)

    @property
    def value_text(self) -> str:
        return TOO_FEW if self.suppressed else fmt.percent(self.value)

    @property
    def change_text(self) -> str:
        if self.previous_year is None or self.change is None:
            return ""
        return f"{fmt.pp(self.change)} sedan {self.previous_year}"

    @property
    def change_note(self) -> str:
        """The change's verdict (uncertainty.changes), said beside it: ``ingen säker förändring``."""
        return self.change_verdict if self.change_text else ""

    @property
    def national_text(self) -> str:
        return "" if self.national is None else f"{REFERENCE}: {fmt.percent(self.national)}"

    @property
    def n_text(self) -> str:
        return f"n = {fmt.number(self.n)}"

    @property
    def interval_text(self) -> str:
        """The figures with their 95 % intervals, for the speaker notes."""
        if self.suppressed or self.ci_low is None:
            return ""
        text = (f"{self.measure}: {fmt.percent(self.value)}, 95 % intervall "
                f"{fmt.number(self.ci_low)}{fmt.DASH}{fmt.number(self.ci_high)} (n = {fmt.number(self.n)}).")
        if self.change_text and self.change_low is not None:
            text += (f" Förändring {self.change_text} "
                     f"{tb.interval_text(self.change_low, self.change_high, signed=True)}: {self.change_verdict}.")
        return text


@dataclass
class Chart:
    """What a slide's chart shows; drawn by :func:`chart_figure`.

    ``points``: charts.line_chart's input (line, year, value, survey, group) plus
    ``reference`` (True for the national line on a förbund slide). For ``kind == "bar"``:
    label and value (charts.bar_chart's input).
    """
    kind: str  # "line" or "bar"
    points: pd.DataFrame
    years: list[int]
    caption: str
    salt: str
    description: str = ""  # alt text


@dataclass
class VerdictGroup:
    classification: str  # ins.INCREASE / ins.NEITHER / ins.DECREASE
    items: list[str]  # "4 Sammanhållet stöd"

    @property
    def sign(self) -> str:
        return VERDICT_SIGNS[self.classification]

    @property
    def label(self) -> str:
        count = len(self.items)
        return f"{self.classification} ({sv.count_phrase(count, sv.INDIKATOR, words=False)})"

    @property
    def empty_label(self) -> str:
        return f"{self.classification}: inga indikatorer"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    total_rows: int = 1  # the last rows that are totals (bold)


@dataclass
class Slide:
    kind: str  # "title", "summary" or "indicator"
    title: str
    subtitle: str = ""
    kicker: str = ""
    lines: list[str] = field(default_factory=list)  # title slide facts
    headline: Headline | None = None
    verdict: str = ""  # indicator slide: the combined development, one line
    verdict_detail: str = ""
    classification: str = ""
    chart: Chart | None = None
    facts: list[str] = field(default_factory=list)
    groups: list[VerdictGroup] = field(default_factory=list)
    groups_title: str = ""
    table: Table | None = None
    table_title: str = ""
    small_print: str = ""
    message: str = ""  # summary slide: said instead of the verdicts when there is no comparison
    notes: str = ""  # speaker notes
    indicator: int | None = None


@dataclass
class Deck:
    year: int
    forbund: str | None
    min_n: int
    slides: list[Slide]
    made: dt.date

    @property
    def who(self) -> str:
        return self.forbund or REFERENCE

    @property
    def footer(self) -> str:
        return f"NNS indikatorer {self.year} · {self.who}"

    @property
    def file_stem(self) -> str:
        return f"bildspel-{self.year}-{safe_filename(self.forbund) if self.forbund else 'riket'}"

    def indicator_slides(self) -> list[Slide]:
        return [s for s in self.slides if s.kind == "indicator"]


# --- The bridge to charts.py ----------------------------------------------------------------------

REFERENCE_COLOR = "#7f7f7f"
CHART_SCALE = 1.7  # a slide chart is drawn this many times smaller than shown: 9 pt reads as ~15 pt


def chart_alt(chart: Chart) -> str:
    """A slide chart's text alternative: its description and every figure it draws."""
    figures = (charts.bars_text(chart.points) if chart.kind == "bar"
               else charts.lines_text(chart.points, chart.years))
    return f"{chart.description} {figures}".strip()


def chart_figure(chart: Chart, width_in: float, height_in: float, scale: float = CHART_SCALE):
    """A matplotlib figure for a slide chart, ``width_in`` × ``height_in`` inches as shown.

    The chart is drawn ``scale`` times smaller than it is shown so that its text and lines
    read on a projector; each line's last value is written at its end."""
    w, h = width_in / scale, height_in / scale
    if chart.kind == "bar":
        figure = charts.bar_chart(chart.points, salt=chart.salt, color=charts.OKABE_ITO["blue"])
        reference = chart.points.get("reference", pd.Series(False, index=chart.points.index)).astype(bool)
        for bar, ref in zip(figure.axes[0].patches, reference):
            if ref:
                bar.set_facecolor(REFERENCE_COLOR)
        figure.set_size_inches(w, h)
        return figure
    points = chart.points
    meta = points.drop_duplicates("line")
    reference = meta.reference.astype(bool)
    styled = charts.line_style(meta[~reference])
    ref = meta[reference].assign(color=REFERENCE_COLOR, linestyle="--", marker="o")
    style = pd.concat([styled, ref])[["line", "color", "linestyle", "marker"]]
    points = points.drop(columns=[c for c in ("color", "linestyle", "marker") if c in points]).merge(
        style, on="line", how="left")
    figure = charts.line_chart(points, years=chart.years, salt=chart.salt, height=h, width=w)
    figure.set_size_inches(w, h)
    lines = list(dict.fromkeys(points.line))
    _label_last(figure, points, chart.years, -(-len(lines) // charts.legend_columns(lines, w)))
    return figure


def _label_last(figure, points: pd.DataFrame, years: list[int], legend_rows: int = 1) -> None:
    """Write each line's value in the last year beside it, spread so labels do not overlap."""
    ax = figure.axes[0]
    last = []
    for _, p in points.dropna(subset=["value"]).groupby("line", sort=False):
        r = p.sort_values("year").iloc[-1]
        if int(r.year) == years[-1]:
            last.append([float(r.value), float(r.value), p.color.iloc[0]])
    if not last:
        return
    low, high = ax.get_ylim()
    # A label is about 0.16 in high; the axes are what the legend and ticks leave of the figure.
    axes_in = max(0.6, figure.get_figheight() - 0.35 - 0.19 * legend_rows)
    gap = (high - low) * 0.16 / axes_in
    last.sort(key=lambda x: x[0])
    for i in range(1, len(last)):  # push up ...
        last[i][1] = max(last[i][1], last[i - 1][1] + gap)
    last[-1][1] = min(last[-1][1], high)
    for i in range(len(last) - 2, -1, -1):  # ... and back down under the top
        last[i][1] = min(last[i][1], last[i + 1][1] - gap)
    with charts.style(figure.get_label() or "finsam"):
        for value, y, color in last:
            ax.annotate(fmt.percent(value), xy=(years[-1], value), xytext=(years[-1] + 0.2, y),
                        textcoords="data", va="center", ha="left", fontsize=9, color=color,
                        fontweight="bold", annotation_clip=False)
    right = years[-1] + 0.25 + 0.16 * len(years) if len(years) > 1 else years[-1] + 1.4
    ax.set_xlim(ax.get_xlim()[0], right)
