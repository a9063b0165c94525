"""Charts of the förbund report: 100 % stacked horizontal bars (one bar per year,
every answer category, the scale's own labels) as in the Västmanland report, and
the nyckeltal of the förbund and of the country over the years.

The bars are written as SVG directly: a report has up to 45 of them, and drawing
them with matplotlib costs ≈ 0.1 s each, this ≈ 1 ms. Python lays them out (elements with
their coordinates, numbers formatted); templates/report/chart.svg.j2 writes the markup. Text stays text (searchable,
selectable in the PDF). The line chart of the nyckeltal is written the same way (15 per
report; with :func:`charts.line_chart` they cost ≈ 2 s a report), in the house style of
:mod:`charts` (Okabe–Ito colours, its markers, its y range).

``bar_rows`` and ``trend_points`` are pure functions over figures frames;
``stacked_bars_svg`` only draws what it is given.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.figures import method as fig
from finsam_lib.figures import privacy
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts
from finsam_lib.present.templating import render

# ColorBrewer RdBu, 6 classes: diverging and colour-blind safe; negative (red) to positive (blue).
DIVERGING = ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"]
DARK_FILLS = {"#b2182b", "#2166ac"}
YES_NO_COLORS = {2: "#ef8a62", 1: "#2166ac"}  # Nej, Ja
FEW_ANSWERS = privacy.TOO_FEW.capitalize()

# Measures are told apart by colour in the trend chart (Okabe–Ito order).
MEASURE_COLORS = [charts.OKABE_ITO[k] for k in ("blue", "vermillion", "green", "purple", "orange", "black", "sky")]


def categories(scale: str) -> list[tuple[int, str, str]]:
    """(code, label, colour) left to right: codes 1–6, or Nej then Ja."""
    if scale == "III":
        return [(2, ins.SCALES["III"][2], YES_NO_COLORS[2]), (1, ins.SCALES["III"][1], YES_NO_COLORS[1])]
    return [(code, ins.SCALES[scale][code], DIVERGING[code - 1]) for code in range(1, 7)]


def bar_rows(dist: pd.DataFrame, series: str, years: list[int]) -> pd.DataFrame:
    """One row per year in which the förbund answered the measure (samtliga): year, n (NA when
    suppressed), suppressed, and per code ``share_k`` (exact, for drawing) and ``pct_k`` (rounded
    half up each on its own, for labels)."""
    d = dist[(dist.series == series) & (dist.group == "samtliga") & dist.year.isin(years) & (dist.n > 0)]
    return _bars(d.sort_values("year"))


def bar_rows_by_series(dist: pd.DataFrame, years: list[int]) -> dict[str, pd.DataFrame]:
    """:func:`bar_rows` of every measure in ``dist`` at once (a report draws 45 of them): series ->
    the same frame ``bar_rows(dist, series, years)`` gives; a measure without rows is left out."""
    rows, where = _bars_by_series(dist, years)
    return {s: rows.iloc[at].reset_index(drop=True) for s, at in where.items()}


def bar_columns_by_series(dist: pd.DataFrame, years: list[int]) -> dict[str, dict[str, list]]:
    """:func:`bar_rows_by_series` as plain lists, what :func:`stacked_bars_svg` reads: series ->
    {column: values, oldest year first}; each column is read from the frame once (a report draws
    some 45 charts of 15 columns)."""
    rows, where = _bars_by_series(dist, years)
    columns = {c: values.tolist() for c, values in rows.items()}
    return {s: {c: values[at] for c, values in columns.items()} for s, at in where.items()}


def _bars_by_series(dist: pd.DataFrame, years: list[int]) -> tuple[pd.DataFrame, dict[str, slice]]:
    """:func:`_bars` of the samtliga rows with answers in ``years``, by series and year, and each
    series' rows (one run, the rows being sorted) as a slice of them."""
    d = dist[(dist.group == "samtliga") & dist.year.isin(years) & (dist.n > 0)].sort_values(["series", "year"])
    where = {s: slice(at[0], at[-1] + 1) for s, at in d.groupby("series", sort=False).indices.items()}
    return _bars(d), where


def _bars(d: pd.DataFrame) -> pd.DataFrame:
    suppressed = d.suppressed.astype(bool).to_numpy()
    n = d.n.to_numpy(dtype="int64")
    shown_n = pd.array(np.where(suppressed, 0, n), dtype="Int64")
    shown_n[suppressed] = pd.NA
    columns = {"year": d.year.astype(int).to_numpy(), "suppressed": suppressed, "n": shown_n}
    for code in fig.CODES:  # the columns built first, the frame once
        counts = pd.to_numeric(d[f"code_{code}"], errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            columns[f"share_{code}"] = np.where(suppressed, np.nan, counts / np.where(n > 0, n, 1) * 100)
        pct = fig.percent(np.nan_to_num(counts).astype("int64"), n)
        columns[f"pct_{code}"] = np.where(suppressed, np.nan, pct)
    return pd.DataFrame(columns)


# --- SVG ------------------------------------------------------------------------------------------

@dataclass
class BarLayout:
    width: int = 680
    label_width: int = 104  # year and n, right-aligned
    gap_left: int = 8
    right: int = 18
    bar: int = 19
    gap: int = 6
    font: float = 11
    char: float = 5.6  # average glyph width of the legend's text (DejaVu Sans), for its layout
    min_label_share: float = 6.5  # percent: narrower segments get no label

    @property
    def x0(self) -> int:
        return self.label_width + self.gap_left

    @property
    def span(self) -> int:
        return self.width - self.x0 - self.right


def _text(x, y, text, anchor="start", size=None, weight=None, fill="#1a1a1a", style=None) -> dict:
    """A text element; the SVG root sets the common fill and dominant-baseline (middle)."""
    return {"kind": "text", "x": f"{x:.1f}", "y": f"{y:.1f}", "text": text, "anchor": anchor, "size": size,
            "weight": weight, "fill": fill, "style": style}


def _svg(cls: str, width, height: float, title: str, elements: list[dict]) -> str:
    """The chart's SVG (templates/report/chart.svg.j2)."""
    return render("report/chart.svg.j2", svg={"cls": cls, "width": width, "height": f"{height:.0f}",
                                              "title": title, "elements": elements})


def legend_rows(items, widths, width: float, between: float) -> list[tuple[list, float]]:
    """Legend entries packed into centred rows that fit `width`: [(row of (item, width)), used width]."""
    rows, row, used = [], [], 0.0
    for item, w in zip(items, widths):
        extra = w + (between if row else 0)
        if row and used + extra > width - 8:
            rows.append((row, used))
            row, used = [], 0.0
            extra = w
        row.append((item, w))
        used += extra
    if row:
        rows.append((row, used))
    return rows


def _legend(items, layout: BarLayout, top: float) -> tuple[list[dict], float]:
    """Swatches and labels in centred rows; returns the elements and the height used."""
    swatch, pad, between = 11, 5, 16
    widths = [swatch + pad + len(label) * layout.char for label, _ in items]
    rows = legend_rows(items, widths, layout.width, between)
    parts, line = [], 16
    for r, (row, used) in enumerate(rows):
        x = (layout.width - used) / 2
        y = top + r * line
        for (label, color), w in row:
            parts.append({"kind": "swatch", "x": f"{x:.1f}", "y": f"{y - swatch / 2:.1f}", "side": swatch,
                          "color": color})
            parts.append(_text(x + swatch + pad, y, label, size=layout.font - 0.5))
            x += w + between
    return parts, len(rows) * line


def stacked_bars_svg(col: dict[str, list], scale: str, label: str = "", layout: BarLayout | None = None) -> str:
    """100 % stacked horizontal bars, one per row of :func:`bar_rows` (top = first year), the
    share of each answer category written in its segment, ``n`` in the bar's label, and the
    scale's labels as a legend. A suppressed year reads "För få svar" (privacy.TOO_FEW).
    ``col``: a :func:`bar_rows` frame's columns as lists (one measure of :func:`bar_columns_by_series`)."""
    layout = layout or BarLayout()
    cats = categories(scale)
    top = 4
    axis_y = top + len(col["year"]) * (layout.bar + layout.gap) - layout.gap + 6
    # Grid behind the bars (one path), its labels below.
    grid = " ".join(f"M{layout.x0 + layout.span * t / 100:.1f} {top - 2}V{axis_y}" for t in range(0, 101, 20))
    parts = [{"kind": "grid", "d": grid},
             {"kind": "ticks", "size": layout.font - 1.5,
              "texts": [_text(layout.x0 + layout.span * t / 100, axis_y + 11, fmt.percent(t))
                        for t in range(0, 101, 20)]}]
    segments = {code: [] for code, _, _ in cats}  # one path per answer category
    labels, years, few, summary = [], [], [], []
    for i, year in enumerate(col["year"]):
        y = top + i * (layout.bar + layout.gap)
        mid = y + layout.bar / 2
        if col["suppressed"][i]:
            years.append(_text(layout.label_width, mid, str(year), anchor="end"))
            few.append({"kind": "too_few", "x": layout.x0, "y": y, "width": layout.span, "height": layout.bar})
            few.append(_text(layout.x0 + layout.span / 2, mid, FEW_ANSWERS, anchor="middle",
                             size=layout.font - 0.5, style="italic", fill="#555"))
            summary.append(f"{year}: {FEW_ANSWERS.lower()}")
            continue
        n = col["n"][i]
        years.append(_text(layout.label_width, mid, fmt.n_label(str(year), n), anchor="end"))
        x = float(layout.x0)
        said = []
        for code, name, color in cats:
            share = col[f"share_{code}"][i]
            pct = col[f"pct_{code}"][i]
            w = layout.span * (0 if np.isnan(share) else share) / 100
            if w > 0:
                segments[code].append(f"M{x:.2f} {y}h{w:.2f}v{layout.bar}h{-w:.2f}z")
                if share >= layout.min_label_share:
                    ink = "#ffffff" if color in DARK_FILLS else "#1a1a1a"
                    labels.append(_text(x + w / 2, mid, fmt.percent(pct), fill=ink))
            said.append(f"{name} {fmt.percent(pct)}")
            x += w
        summary.append(f"{year} (n={fmt.number(n)}): " + ", ".join(said))
    parts += [{"kind": "segments", "d": "".join(segments[code]), "color": color}
              for code, _, color in cats if segments[code]]
    parts += few
    parts.append({"kind": "years", "size": layout.font, "texts": years})
    parts.append({"kind": "labels", "size": layout.font - 1, "texts": labels})
    legend, legend_h = _legend([(name, color) for _, name, color in cats], layout, axis_y + 27)
    height = axis_y + 27 + legend_h - 6
    title = (label + ". " if label else "") + "; ".join(summary)
    return _svg("bars", layout.width, height, title, parts + legend)


# --- Nyckeltal over the years: förbund and riket ---------------------------------------------------

TREND_COLUMNS = ["line", "survey", "group", "series", "year", "value", "color", "linestyle", "marker"]


def nyckeltal_lines(frame: pd.DataFrame, years: list[int]) -> dict[str, dict[int, float]]:
    """A distribution frame's samtliga nyckeltal for look-ups: series -> {year: nyckeltal_pct (NaN
    where not shown)}, the shown ``years`` only; made once per report for its trend charts."""
    d = frame[(frame.group == "samtliga") & frame.year.isin(years)]
    out: dict[str, dict[int, float]] = {}
    for s, y, v in zip(d.series.tolist(), d.year.tolist(), d.nyckeltal_pct.astype(float).tolist()):
        out.setdefault(s, {})[int(y)] = v
    return out


def trend_points(local: pd.DataFrame, national: pd.DataFrame, series: list[tuple[str, str]],
                 years: list[int], lines: tuple[dict, dict] | None = None) -> pd.DataFrame:
    """Lines for :func:`charts.line_chart`: per measure (series, name) the förbund's nyckeltal
    (solid, filled markers) and the country's (dashed, open markers), in one colour per measure;
    one row per line and year (``value`` NaN where there is none). ``lines``:
    :func:`nyckeltal_lines` of ``local`` and ``national`` when already made (covering ``years``)."""
    mine, theirs = lines or (nyckeltal_lines(local, years), nyckeltal_lines(national, years))
    rows = []
    for i, (s, name) in enumerate(series):
        color = MEASURE_COLORS[i % len(MEASURE_COLORS)]
        marker = charts.MARKERS[i % len(charts.MARKERS)]
        for who, style, by_year in (("förbundet", "-", mine.get(s, {})), ("riket", "--", theirs.get(s, {}))):
            line = f"{name}, {who}" if name else who.capitalize()
            rows += [(line, "", "samtliga", s, y, by_year.get(y, np.nan), color, style, marker) for y in years]
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


def _marker(kind: str, x: float, y: float, color: str, filled: bool, r: float = 4.2) -> dict:
    """A marker (matplotlib's s, ^, v, D or o) at (x, y); open (white fill) for the country's lines."""
    out = {"kind": "marker", "fill": color if filled else "#ffffff", "color": color}
    if kind == "s":
        side = r * 1.7
        return {**out, "shape": "rect", "x": f"{x - side / 2:.1f}", "y": f"{y - side / 2:.1f}", "side": f"{side:.1f}"}
    if kind in ("^", "v"):
        d = -1 if kind == "^" else 1
        pts = [(x, y + d * r * 1.1), (x - r, y - d * r * 0.7), (x + r, y - d * r * 0.7)]
        return {**out, "shape": "polygon", "points": " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)}
    if kind == "D":
        pts = [(x, y - r * 1.1), (x + r, y), (x, y + r * 1.1), (x - r, y)]
        return {**out, "shape": "polygon", "points": " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)}
    return {**out, "shape": "circle", "x": f"{x:.1f}", "y": f"{y:.1f}", "r": f"{r:.1f}"}


def trend_svg(points: pd.DataFrame, years: list[int], label: str = "", width: int = 680,
              plot_height: int = 170) -> str:
    """Lines of a percentage over years (``points`` from :func:`trend_points`): a line breaks
    where a year has no value; dashed lines get open markers. Legend below."""
    font, left, right, top = 11, 52, 22, 8
    values = points.value.to_numpy(dtype=float)
    low, high = charts._limits(values)
    step = 10 if high - low <= 60 else 20
    x0, x1 = left, width - right
    y0, y1 = top + plot_height, top

    def X(year):
        if len(years) == 1:
            return (x0 + x1) / 2
        return x0 + 14 + (x1 - x0 - 28) * years.index(year) / (len(years) - 1)

    def Y(v):
        return y0 - (y0 - y1) * (v - low) / (high - low)

    parts = []
    for tick in np.arange(low, high + 0.1, step):
        y = Y(tick)
        parts.append({"kind": "gridline", "x1": x0, "x2": x1, "y": f"{y:.1f}"})
        parts.append(_text(x0 - 6, y, fmt.percent(tick), anchor="end", size=font - 1, fill="#444"))
    for year in years:
        parts.append(_text(X(year), y0 + 14, str(year), anchor="middle", size=font - 0.5, fill="#333"))
    legend_items = []
    summary = []
    # The points as plain lists (a chart has a few dozen): per line, in order of appearance, its
    # value and comparable series (figures.series_segments) by year.
    data = {c: points[c].tolist() for c in ("line", "year", "value", "color", "marker", "linestyle")}
    segments = fig.series_segments(points).tolist()
    nan = float("nan")
    lines: dict[str, tuple[int, dict]] = {}
    for k, (line, year) in enumerate(zip(data["line"], data["year"])):
        lines.setdefault(line, (k, {}))[1][int(year)] = (data["value"][k], segments[k])
    for line, (k, by_year) in lines.items():
        color, marker, dashed = data["color"][k], data["marker"][k], data["linestyle"][k] != "-"
        p = [(year, *by_year.get(year, (nan, nan))) for year in years]
        runs, run = [], []
        for i, (year, v, segment) in enumerate(p):
            # a run ends at a year without value and where the series changes (a changed question)
            if pd.isna(v) or (i and segment != p[i - 1][2]):
                runs.append(run)
                run = []
            if not pd.isna(v):
                run.append(f"{X(year):.1f},{Y(v):.1f}")
        for run in [*runs, run]:
            if len(run) > 1:
                parts.append({"kind": "line", "points": " ".join(run), "color": color, "dashed": dashed})
        shown = [(year, v) for year, v, _ in p if not pd.isna(v)]
        for year, v in shown:
            parts.append(_marker(marker, X(year), Y(v), color, not dashed))
        summary.append(f"{line}: {', '.join(f'{y} {fmt.percent(v)}' for y, v in shown)}")
        legend_items.append((line, color, marker, dashed))
    # Legend: a short line with its marker, then the label; rows centred.
    sample, pad, between = 26, 5, 18
    char = 5.6
    widths = [sample + pad + len(name) * char for name, *_ in legend_items]
    rows = legend_rows(legend_items, widths, width, between)
    top_legend = y0 + 36
    for r, (row, used) in enumerate(rows):
        x = (width - used) / 2
        y = top_legend + r * 17
        for (name, color, marker, dashed), w in row:
            parts.append({"kind": "sample", "x1": f"{x:.1f}", "x2": f"{x + sample:.1f}", "y": f"{y:.1f}",
                          "color": color, "dashed": dashed})
            parts.append(_marker(marker, x + sample / 2, y, color, not dashed, r=3.6))
            parts.append(_text(x + sample + pad, y, name, size=font - 0.5))
            x += w + between
    height = top_legend + len(rows) * 17 - 4
    title = (label + ". " if label else "") + "; ".join(summary)
    return _svg("lines", width, height, title, parts)
