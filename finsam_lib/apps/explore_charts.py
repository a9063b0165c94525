"""The explorer's charts: a selection's rows drawn as a matplotlib figure — key figures as bars
or lines over the years, the full distribution as stacked bars — and a figure as PNG or SVG.
Nothing here computes a figure; the rows come from :class:`explore.Explorer`.
"""
from __future__ import annotations

import io
import re
import textwrap

import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from finsam_lib.apps.explore_labels import (
    CLEARLY,
    GROUP_COLORS,
    GROUP_ORDER,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    SPLIT_WORDS,
    TOO_FEW,
    Selection,
    group_label,
    notes,
)
from finsam_lib.base import format as fmt
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts


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
