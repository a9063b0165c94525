"""Charts for reports: matplotlib (no pyplot state) with a seaborn style, a colour-blind-safe palette
(Okabe–Ito) and distinct markers and line styles so lines stay apart in greyscale.

Functions take tidy frames of figures and return matplotlib figures; ``to_svg``
turns one into an inline SVG whose text stays text (searchable in the PDF).
"""
from __future__ import annotations

import html
import io
import re
import textwrap
from contextlib import contextmanager

import numpy as np
import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.figures import method as figs
from finsam_lib.instrument import definition as ins

# Okabe & Ito (2008), without yellow (too light on white paper).
OKABE_ITO = {
    "blue": "#0072B2", "vermillion": "#D55E00", "green": "#009E73", "purple": "#CC79A7",
    "orange": "#E69F00", "black": "#000000", "sky": "#56B4E9",
}
SURVEY_COLORS = {
    "Deltagare pågående": OKABE_ITO["blue"],
    "Deltagare avslut": OKABE_ITO["vermillion"],
    "Personal": OKABE_ITO["green"],
    "Remittenter": OKABE_ITO["purple"],
    "Parternas chefsgrupp": OKABE_ITO["orange"],
    "Styrelse": OKABE_ITO["black"],
    "Förbundschef": OKABE_ITO["sky"],
}
SURVEY_SHORT = ins.survey_words("chart_short")
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "h", "<", ">"]
LINESTYLES = ["-", "--", "-.", ":"]
WIDTH_IN = 6.7  # fits an A4 page with 18 mm margins
LEGEND_CHAR_IN = 0.063  # width of a legend character at 9 pt (DejaVu Sans), inches
FONT = "DejaVu Sans"

RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT, "Liberation Sans", "Arial"],
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8.5,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "svg.fonttype": "none",
    "axes.unicode_minus": True,
}


@contextmanager
def style(salt: str = "finsam"):
    """The house style, without touching the caller's global matplotlib state. matplotlib and
    seaborn are imported where a chart is drawn, not with this module: the förbund reports draw
    their charts as SVG themselves, and their kernels start 1.3 s sooner without them."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    with (sns.axes_style("whitegrid", {"grid.color": "#d9d9d9", "axes.edgecolor": "#595959"}),
          plt.rc_context({**RC, "svg.hashsalt": salt})):
        yield


def percent_axis(ax, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _: fmt.percent(v)))


def wrap_title(title: str, width: int = 80) -> str:
    return "\n".join(textwrap.wrap(title, width))


def _limits(values: np.ndarray) -> tuple[float, float]:
    """A y range in tens around the data, never outside 0–100."""
    values = values[~np.isnan(values)]
    if not len(values):
        return 0, 100
    low = max(0, np.floor((values.min() - 5) / 10) * 10)
    high = min(100, np.ceil((values.max() + 5) / 10) * 10)
    if high - low < 30:
        low = max(0, high - 30)
        high = max(high, low + 30)
    return low, high


def line_style(lines: pd.DataFrame) -> pd.DataFrame:
    """Colour by survey, line style by gender or question, a distinct marker per line.

    ``lines``: one row per line with columns line, survey, group, and optionally question."""
    out = lines.copy()
    out["color"] = out.survey.map(SURVEY_COLORS).fillna(OKABE_ITO["black"])
    styles = []
    per_survey: dict[str, int] = {}
    for r in out.itertuples():
        if r.group == "män":
            styles.append("--")
        elif r.group == "kvinnor":
            styles.append("-")
        else:
            i = per_survey.get(r.survey, 0)
            per_survey[r.survey] = i + 1
            styles.append(LINESTYLES[i % len(LINESTYLES)])
    out["linestyle"] = styles
    out["marker"] = [MARKERS[i % len(MARKERS)] for i in range(len(out))]
    return out


def legend_columns(labels, width: float = WIDTH_IN) -> int:
    """How many legend columns fit ``width`` inches below a chart (at most 4)."""
    labels = list(labels)
    longest = max((len(str(x)) for x in labels), default=1)
    return max(1, min(len(labels), 4, int(width // (longest * LEGEND_CHAR_IN + 0.5))))


def line_chart(points: pd.DataFrame, title: str | None = None, ylabel: str | None = None,
               years: list[int] | None = None, salt: str = "finsam", height: float = 3.4,
               width: float = WIDTH_IN):
    """Lines of a percentage over years.

    ``points``: line, year, value (NaN = no value, the line breaks there), and per line
    survey and group (for the style; optional columns color, linestyle, marker win); with a
    ``series`` column a line breaks where its series changes (figures.series_segments).
    Lines are drawn in first-appearance order and labelled in the legend below.
    """
    years = years or sorted(points.year.unique())
    order = list(dict.fromkeys(points.line))
    meta = points.drop_duplicates("line").set_index("line").loc[order].reset_index()
    if not {"color", "linestyle", "marker"} <= set(meta.columns):
        meta = line_style(meta)
    ncol = legend_columns(order, width)
    height += 0.25 * (-(-len(order) // ncol) - 1)  # room for the legend's rows
    if title:
        height += 0.2 * (wrap_title(title).count("\n"))
    import seaborn as sns
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with style(salt):
        fig = Figure(figsize=(width, height), layout="constrained")
        fig.set_label(salt)
        ax = fig.subplots()
        segments = figs.series_segments(points)
        for m in meta.itertuples():
            mine = points.line == m.line
            # one stroke per comparable series: a line never joins years across a changed question
            for k, (_, part) in enumerate(points[mine].groupby(segments[mine], sort=False)):
                p = part.set_index("year")["value"].reindex(years)
                ax.plot(years, p.to_numpy(dtype=float), color=m.color, linestyle=m.linestyle,
                        marker=m.marker, markersize=5.5, linewidth=1.8, label=m.line if k == 0 else "_nolegend_",
                        markerfacecolor=m.color if m.linestyle != "--" else "white", markeredgewidth=1.3)
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlim(years[0] - 0.3, years[-1] + 0.3) if len(years) > 1 else ax.set_xlim(years[0] - 1, years[0] + 1)
        ax.set_ylim(*_limits(points.value.to_numpy(dtype=float)))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
        percent_axis(ax)
        if ylabel:
            ax.set_ylabel(ylabel)
        ax.grid(axis="x", visible=False)
        sns.despine(ax=ax, left=True)
        # "outside": constrained layout keeps room for the legend below the tick labels
        fig.legend(loc="outside lower center", ncol=ncol, frameon=False, handlelength=3.2, columnspacing=1.6)
        if title:
            fig.suptitle(wrap_title(title), x=0.01, ha="left", fontsize=10, fontweight="bold")
    return fig


def bar_chart(bars: pd.DataFrame, title: str | None = None, xlabel: str | None = None,
              salt: str = "finsam", color: str = OKABE_ITO["vermillion"]):
    """Horizontal bars with their values: ``bars`` has label and value (percent), top to bottom."""
    import seaborn as sns
    from matplotlib.figure import Figure

    with style(salt):
        height = 0.9 + 0.32 * len(bars)
        fig = Figure(figsize=(WIDTH_IN, height), layout="constrained")
        fig.set_label(salt)
        ax = fig.subplots()
        y = np.arange(len(bars))[::-1]
        values = bars.value.to_numpy(dtype=float)
        ax.barh(y, np.nan_to_num(values), color=color, height=0.65, edgecolor="#333333", linewidth=0.5)
        for yi, v in zip(y, values):
            if not np.isnan(v):
                ax.text(v + 1, yi, fmt.percent(v), va="center", ha="left", fontsize=8.5)
        ax.set_yticks(y, bars.label.tolist())
        ax.set_xlim(0, 105)
        percent_axis(ax, "x")
        if xlabel:
            ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        sns.despine(ax=ax, left=True)
        if title:
            fig.suptitle(wrap_title(title), x=0.01, ha="left", fontsize=10, fontweight="bold")
    return fig


def to_svg(fig) -> str:
    """An inline SVG (no XML prologue, scales to its container)."""
    buf = io.StringIO()
    with style(fig.get_label() or "finsam"):
        fig.savefig(buf, format="svg")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r'<svg\1 class="chart" role="img"', svg, count=1)
    return svg


# --- Text alternatives: a chart's figures in words, for screen readers (WCAG 1.1.1) ---------------

def lines_text(points: pd.DataFrame, years: list[int] | None = None) -> str:
    """The figures of a :func:`line_chart` as text: ``"Pågående: 2021 75 %, 2022 78 %; Avslut: …"``.

    ``points``: line, year, value (NaN = no value; such years are left out). Lines in
    first-appearance order, years ascending (only ``years`` when given)."""
    out = []
    for line, p in points.groupby("line", sort=False):
        p = p.dropna(subset=["value"])
        if years is not None:
            p = p[p.year.isin(years)]
        said = [f"{int(y)} {fmt.percent(v)}" for y, v in sorted(zip(p.year, p.value))]
        out.append(f"{line}: {', '.join(said) if said else 'inga redovisade värden'}")
    return "; ".join(out) + "." if out else ""


def bars_text(bars: pd.DataFrame) -> str:
    """The figures of a :func:`bar_chart` as text: ``"Indikator 1 (fråga 1) 78 %; …"`` (top to
    bottom; a missing value reads "inget redovisat värde")."""
    said = [f"{r.label} {fmt.percent(r.value, empty='inget redovisat värde')}" for r in bars.itertuples()]
    return "; ".join(said) + "." if said else ""


def with_alt(svg: str, text: str) -> str:
    """An inline SVG with ``text`` as its accessible name (a ``<title>`` first inside ``<svg>``)."""
    return re.sub(r"(<svg\b[^>]*>)", lambda m: f"{m.group(1)}<title>{html.escape(text)}</title>", svg, count=1)


# --- What the report's charts show ---------------------------------------------------------------

def line_name(survey: str, question: int, group: str, several_questions: bool, span: str = "") -> str:
    name = SURVEY_SHORT.get(survey, survey)
    if several_questions or span:
        name += f" F{question}"
    if group != "samtliga":
        name += f", {group}"
    if span:
        name += f" ({span})"
    return name


def indicator_points(dist: pd.DataFrame, indicator: int, keys: set[str] | None = None) -> pd.DataFrame:
    """The lines of an indicator's chart: deltagare as kvinnor and män (samtliga when the
    split is not shown), every other survey as samtliga; one line per measure (series), so
    a changed question is a line of its own.

    ``dist``: distribution rows of every year. Returns line, survey, group, series, question,
    year, value, n, and first/last year of the series.
    """
    d = dist[(dist.indicator == indicator) & (dist.n > 0)]
    if keys:
        d = d[d.key.isin(keys)]
    if d.empty:
        return pd.DataFrame(columns=["line", "survey", "group", "series", "question", "year", "value", "n"])
    last_year = int(d.year.max())
    current = set(d.loc[d.year == last_year, "series"])
    parts = []
    ranked = d.assign(_s=d.survey.map(lambda s: ins.SURVEYS.index(s) if s in ins.SURVEYS else 99))
    series_order = list(dict.fromkeys(ranked.sort_values(["_s", "year", "question"], ascending=[True, False, True]).series))
    questions_per_survey = d.groupby("survey").series.nunique()
    for s in series_order:
        rows = d[d.series == s]
        survey = rows.survey.iloc[0]
        split = ins.BACKGROUND.get(survey) == "Kön"
        groups = ["kvinnor", "män"] if split else ["samtliga"]
        if split:
            g = rows[rows.group.isin(groups)]
            if g.empty or g.nyckeltal_pct.isna().all():
                groups = ["samtliga"]
        first, last = int(rows.year.min()), int(rows.year.max())
        old = s not in current
        span = fmt.year_span(first, last) if old else ""
        question = int(rows.loc[rows.year == last, "question"].iloc[0])
        for group in groups:
            r = rows[rows.group == group]
            name = line_name(survey, question, group, questions_per_survey[survey] > 1, span)
            parts.append(pd.DataFrame({"line": name, "survey": survey, "group": group, "series": s,
                                       "key": rows.key.iloc[0],
                                       "question": question, "year": r.year.astype(int),
                                       "value": r.nyckeltal_pct.astype(float), "n": r.n,
                                       "first": first, "last": last, "old": old}))
    points = pd.concat(parts, ignore_index=True)
    keep = points.groupby("line").value.transform(lambda v: v.notna().any())
    return points[keep].reset_index(drop=True)


def answered_bars(dist: pd.DataFrame, survey: str = "Deltagare avslut") -> pd.DataFrame:
    """Diagram 13: this survey's nyckeltal (samtliga) per question, labelled by indicator."""
    d = dist[(dist.survey == survey) & (dist.group == "samtliga")].sort_values(["indicator", "question"])
    per_indicator = d.groupby("indicator").question.transform("size")
    labels = [f"Indikator {i}" + (f", fråga {q}" if k > 1 else f" (fråga {q})")
              for i, q, k in zip(d.indicator, d.question, per_indicator)]
    return pd.DataFrame({"label": labels, "value": d.nyckeltal_pct.astype(float).to_numpy(),
                         "indicator": d.indicator.to_numpy(), "question": d.question.to_numpy(),
                         "key": d.key.to_numpy()})
