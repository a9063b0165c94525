"""The report's tables, built from figures frames, and their HTML rendering.

A :class:`ReportTable` holds raw values (numbers stay numbers) plus what a reader
needs to see them: headers, row kinds (section rows, indented sub-rows, totals),
formats and notes. ``to_html`` renders it in Swedish number style; the Excel
writer in ``publish`` writes the same table with number formats.

Builders (``table_1`` … ``appendix_2``) take the frames of :mod:`figures` and
never read files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
from markupsafe import Markup

from finsam_lib.base import format as fmt
from finsam_lib.figures import method as fig
from finsam_lib.figures import privacy
from finsam_lib.figures import uncertainty as unc
from finsam_lib.instrument import definition as ins
from finsam_lib.present.templating import render

# Row kinds.
SECTION, ROW, SUB, TOTAL, MESSAGE = "section", "row", "sub", "total", "message"

# How the report names the surveys in column headers.
SURVEY_HEADERS = ins.survey_words("header")
# How Bilaga 2 and the measure lists name a survey.
SURVEY_SHORT = ins.survey_words("measure_short")


@dataclass
class Column:
    """A value column: ``key`` in the rows frame, its header (a tuple for a
    two-level header) and its format (a name in FORMATS)."""
    key: str
    header: str | tuple[str, str]
    fmt: str = "int"


LONG_ROWS = 12  # print layout: longer tables may break between rows


@dataclass
class ReportTable:
    id: str  # html id and Excel sheet key, e.g. "tabell-5-1"
    number: str  # "5.1"; "" for tables without a number
    title: str
    rows: pd.DataFrame  # label, kind, and the columns' keys
    columns: list[Column]
    label_header: str = ""
    n_key: str | None = None  # appended to labels in HTML as "(n=…)"; its own column in Excel
    notes: list[str] = field(default_factory=list)
    marks: dict = field(default_factory=dict)  # (row position, key) -> mark such as "*"
    row_formats: dict = field(default_factory=dict)  # row position -> format overriding the columns'
    excel_columns: list[Column] | None = None
    sheet: str = ""
    long: bool = False  # may run over several pages
    wide_label: bool = False
    narrow_label: bool = False  # a short label column such as Nr or Kod

    @property
    def caption(self) -> str:
        return f"Tabell {self.number} {self.title}" if self.number else self.title

    @property
    def sheet_name(self) -> str:
        return (self.sheet or (f"Tabell {self.number}" if self.number else self.title))[:31]

    def to_html(self) -> str:
        return table_html(self)

    def _repr_html_(self) -> str:
        return self.to_html()


def _paren(value) -> str:
    return f"({fmt.percent(value)})"


def interval_text(low, high, signed: bool = False) -> str:
    """A 95 % interval as the reports write it: ``(70–85)`` for a share, ``(−3 till +12)`` for a
    change in percentage points; '' when missing."""
    if fmt.missing(low) or fmt.missing(high):
        return ""
    if signed:
        return f"({fmt.signed(low)} till {fmt.signed(high)})"
    return f"({fmt.number(low)}{fmt.DASH}{fmt.number(high)})"


# name -> (html formatter of a number, Excel number format)
FORMATS: dict[str, tuple[Callable, str]] = {
    "int": (fmt.number, "#,##0"),
    "pct": (fmt.percent, "0 %"),  # Excel: the value / 100 (publish.fraction); "%" scales it back
    "paren_pct": (_paren, '"("0 %")"'),
    "signed": (fmt.signed, '+0;-0;"±"0'),
    "text": (lambda v: str(v), "@"),
    "lines": (lambda v: str(v), "@"),
    "verdict": (lambda v: str(v), "@"),
    # A number with its 95 % interval from the row's ``<key>_low`` and ``<key>_high`` (HTML only;
    # Excel gets the bounds as columns of their own).
    "pct_ci": (fmt.percent, "0 %"),
    "signed_ci": (fmt.signed, '+0;-0;"±"0'),
}


# The formats whose numbers are percentages 0–100 (stored in Excel as fractions).
PERCENT_FORMATS = {"pct", "paren_pct", "pct_ci"}


TEXT_FORMATS = ("text", "lines", "verdict")  # left-aligned, wrapping cells


@dataclass
class Cell:
    """A cell as the table template shows it: ``text`` (or ``lines``, one a line), a 95 % interval
    after it, details under it (a verdict's sum and threshold) and a mark such as ``*``."""
    text: str = ""
    lines: list[str] = field(default_factory=list)
    ci: str = ""
    details: list[str] = field(default_factory=list)
    mark: str = ""
    is_text: bool = False


def cell_view(value, column: Column, row=None) -> Cell:
    """A cell in Swedish number style: numbers formatted, strings (e.g. ``för få svar``) as they are,
    missing values as a dash (blank in text columns)."""
    row = row if row is not None else {}
    cell = Cell(is_text=column.fmt in TEXT_FORMATS)
    if column.fmt == "verdict":
        if not fmt.missing(value):
            cell.text = str(value)
            total, threshold = row.get(f"{column.key}_sum"), row.get(f"{column.key}_threshold")
            if not fmt.missing(total):
                cell.details.append(f"summa {fmt.signed(total)}, gräns ±{fmt.number(threshold)}")
            sure = row.get(f"{column.key}_sure")
            if not fmt.missing(sure) and sure:
                cell.details.append(str(sure))
    elif fmt.missing(value):
        cell.text = "" if column.fmt in ("text", "lines") else fmt.DASH
    elif isinstance(value, str):
        if column.fmt == "lines":
            cell.lines = value.split("\n")
        else:
            cell.text = value
    elif column.fmt in ("pct_ci", "signed_ci"):
        signed = column.fmt == "signed_ci"
        cell.text = (fmt.signed if signed else fmt.percent)(value)
        cell.ci = interval_text(row.get(f"{column.key}_low"), row.get(f"{column.key}_high"), signed)
    else:
        cell.text = FORMATS[column.fmt][0](value)
    return cell


def cell_text(value, column: Column, row=None) -> str:
    """A cell's text as a reader sees it (interval and details included), without markup."""
    c = cell_view(value, column, row)
    return " ".join(x for x in ["\n".join(c.lines) or c.text, c.ci, *c.details] if x)


def _th(c: Column) -> bool:
    return c.fmt in ("text", "lines")


def header_view(t: ReportTable) -> dict:
    """The header rows: ``top`` cells (text, scope, colspan, rowspan, is_text) and, for two-level
    headers, the ``bottom`` ones."""
    two = any(isinstance(c.header, tuple) for c in t.columns)
    if not two:
        return {"two": False, "top": [{"text": c.header, "scope": "col", "is_text": _th(c)} for c in t.columns],
                "bottom": []}
    top, bottom, i = [], [], 0
    while i < len(t.columns):
        c = t.columns[i]
        if isinstance(c.header, tuple):
            span = 1
            while (i + span < len(t.columns) and isinstance(t.columns[i + span].header, tuple)
                   and t.columns[i + span].header[0] == c.header[0]):
                span += 1
            top.append({"text": c.header[0], "scope": "colgroup", "colspan": span})
            bottom.extend({"text": x.header[1], "is_text": _th(x)} for x in t.columns[i:i + span])
            i += span
        else:
            top.append({"text": c.header, "scope": "col", "rowspan": 2, "is_text": _th(c)})
            i += 1
    return {"two": True, "top": top, "bottom": bottom}


def row_label(t: ReportTable, row) -> str:
    label = str(row["label"])
    if t.n_key and row["kind"] in (ROW, SUB, TOTAL, MESSAGE):
        label = fmt.n_label(label, row.get(t.n_key))
    return label


def body_view(t: ReportTable) -> list[dict]:
    """The body rows: kind, label, and the cells (:class:`Cell`) or a message."""
    out = []
    for pos, (_, row) in enumerate(t.rows.iterrows()):
        kind = row["kind"]
        if kind == SECTION:
            out.append({"kind": kind, "label": str(row["label"])})
            continue
        if kind == MESSAGE:
            out.append({"kind": kind, "label": row_label(t, row), "message": str(row.get("message", ""))})
            continue
        cells = []
        for c in t.columns:
            if pos in t.row_formats:
                c = Column(c.key, c.header, t.row_formats[pos])
            cell = cell_view(row.get(c.key), c, row)
            cell.is_text = c.fmt in TEXT_FORMATS
            mark = t.marks.get((pos, c.key))
            cell.mark = f"{fmt.NBSP}{mark}" if mark else ""
            cells.append(cell)
        out.append({"kind": kind, "label": row_label(t, row), "cells": cells})
    return out


def table_html(t: ReportTable) -> Markup:
    """The table as a ``<figure>`` (templates/report/table.html.j2). A table of more than
    LONG_ROWS rows may run over pages (between rows, the header repeats) rather than leave most
    of a page empty; a shorter one is kept whole (report.css)."""
    long = t.long or len(t.rows) > LONG_ROWS
    classes = (["report-table"] + (["long"] if long else []) + (["wide-label"] if t.wide_label else [])
               + (["narrow-label"] if t.narrow_label else []))
    return Markup(render("report/table.html.j2", t=t, classes=" ".join(classes), header=header_view(t),
                  rows=body_view(t), ncols=len(t.columns)))


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=["label", "kind"])
    return frame.astype(object).where(frame.notna(), None) if len(frame) else frame


# --- Tabell 1–4: collection and response -------------------------------------------------------

def _surveys(response: pd.DataFrame) -> list[str]:
    return [s for s in response.survey if s != fig.TOTAL]


def table_1(response: pd.DataFrame, year: int) -> ReportTable:
    """Tabell 1: questionnaires and förbund per survey (from figures.response_table)."""
    r = response.set_index("survey")
    cols = [Column(s, SURVEY_HEADERS.get(s, s)) for s in _surveys(response)] + [Column(fig.TOTAL, "Totalt")]
    rows = [
        {"label": "Antal besvarade enkäter", "kind": ROW,
         **{c.key: r.at[c.key, "antal_svar"] for c in cols}},
        {"label": "Antal deltagande förbund", "kind": ROW,
         **{c.key: r.at[c.key, "forbund_count"] for c in cols}},
    ]
    return ReportTable("tabell-1", "1", f"Antal enkäter och förbund per respondentgrupp {year}.",
                       _frame(rows), cols, sheet="Tabell 1")


def table_2(response: pd.DataFrame) -> ReportTable:
    """Tabell 2: target and asked population, responses and the three rates."""
    cols = [
        Column("malpopulation", "Målpopulation"),
        Column("tillfragade", "Undersökt population"),
        Column("tillfragade_av_mal_pct", "Undersökt population i förhållande till målpopulation", "pct"),
        Column("antal_svar", "Antal svar: svarat på minst en fråga"),
        Column("svar_av_tillfragade_pct", "Andel svar: undersökt population", "pct"),
        Column("svar_av_mal_pct", "Andel svar: målpopulation", "pct"),
    ]
    rows, marks, notes = [], {}, []
    partial = response[(response.survey != fig.TOTAL) & response.malpopulation.isna()
                       & response.tillfragade.notna()]
    for pos, r in enumerate(response.itertuples()):
        total = r.survey == fig.TOTAL
        rows.append({"label": "Totalt" if total else r.survey, "kind": TOTAL if total else ROW,
                     **{c.key: getattr(r, c.key) for c in cols}})
        if total and len(partial):
            for key in ("malpopulation", "tillfragade_av_mal_pct", "svar_av_mal_pct"):
                marks[(pos, key)] = "*"
    if len(partial):
        notes.append("* " + fmt.join_words(partial.survey.tolist()) + " ej inkluderade i beräkning "
                     "(målpopulation saknas).")
    return ReportTable("tabell-2", "2", "Svarsfrekvenser per respondentgrupp.", _frame(rows), cols,
                       notes=notes, marks=marks, sheet="Tabell 2")


def gender_table(response: pd.DataFrame, survey: str, number: str) -> ReportTable:
    """Tabell 3 or 4: respondents of a deltagare survey by gender."""
    r = response.set_index("survey").loc[survey]
    total = r["antal_svar"]
    parts = [("Uppgett sig vara kvinna", r["kvinnor"]), ("Uppgett sig vara man", r["man"]),
             ("Ej uppgett variabeln kön", r["ej_uppgett_kon"])]
    rows = [{"label": label, "kind": ROW, "antal": value, "andel": fig.percent(value, total)}
            for label, value in parts]
    rows.append({"label": "Totalt antal enkätsvar", "kind": TOTAL, "antal": total,
                 "andel": 100 if total else np.nan})
    what = "pågående" if survey == "Deltagare pågående" else "avslut"
    cols = [Column("antal", SURVEY_HEADERS[survey]), Column("andel", "Andel", "pct")]
    return ReportTable(f"tabell-{number}", number, f"Antal svarande deltagare {what} uppdelat på kön.",
                       _frame(rows), cols, sheet=f"Tabell {number}")


# --- Tabell N.1 and N.2: one indicator ----------------------------------------------------------

def _survey_rank(survey: str) -> int:
    return ins.SURVEYS.index(survey) if survey in ins.SURVEYS else 99


def question_title(survey: str, question: int) -> str:
    return f"Fråga {question} {ins.SURVEY_LABELS.get(survey, survey)}"


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    groups = {g: i for i, g in enumerate(["samtliga", *ins.GENDER_GROUPS, *ins.EMPLOYER_GROUPS])}
    return (frame.assign(_s=frame.survey.map(_survey_rank), _g=frame.group.map(groups))
            .sort_values(["_s", "question", "_g"]).drop(columns=["_s", "_g"]))


def split_hidden_note(min_n: int) -> str:
    return (f"Uppdelning på kön eller arbetsgivare visas inte där någon grupp har färre än {min_n} svar.")


def distribution_table(dist: pd.DataFrame, indicator: int, number: str, yes_no: bool,
                       min_n: int = fig.MIN_N) -> ReportTable:
    """Tabell N.1: Negativt / Varken eller / Positivt (Klart positivt) per question and group
    (``yes_no``: the ja/nej questions, Nej / Ja). ``dist``: one year's distribution rows."""
    d = dist[(dist.indicator == indicator) & ((dist.scale == "III") == yes_no)]
    rows, hidden = [], False
    for (survey, series), q in _ordered(d).groupby(["survey", "series"], sort=False):
        first = q.iloc[0]
        rows.append({"label": question_title(survey, int(first.question)), "kind": SECTION})
        split = q[q.group != "samtliga"]
        if len(split) and split.suppressed.all():
            hidden = True
            q = q[q.group == "samtliga"]
        for r in q.itertuples():
            kind = ROW if r.group == "samtliga" else SUB
            label = r.group
            if r.suppressed:
                rows.append({"label": label, "kind": MESSAGE, "n": r.n,
                             "message": f"{privacy.TOO_FEW.capitalize()} (färre än {min_n})."})
                continue
            rows.append({"label": label, "kind": kind, "n": r.n, "negativt": r.negativt_pct,
                         "varken": r.varken_pct, "positivt": r.positivt_pct,
                         "klart": r.klart_positivt_pct})
    if yes_no:
        cols = [Column("negativt", "Nej", "pct"), Column("positivt", "Ja", "pct")]
    else:
        cols = [Column("negativt", "Negativt", "pct"), Column("varken", "Varken eller", "pct"),
                Column("positivt", "Positivt", "pct"), Column("klart", "(Klart positivt)", "paren_pct")]
    excel = [Column("n", "n")] + [Column(c.key, c.header.strip("()"), "pct") for c in cols]
    notes = [split_hidden_note(min_n)] if hidden else []
    return ReportTable(f"tabell-{number.replace('.', '-')}", number, f"Indikator {indicator}.",
                       _frame(rows), cols, n_key="n", notes=notes, excel_columns=excel)


def comparison_years(dist: pd.DataFrame, indicator: int, year: int, count: int = 3) -> list[int]:
    """The last ``count`` years up to ``year`` in which a measure of this year's indicator has answers."""
    d = dist[(dist.indicator == indicator)]
    current = set(d.loc[d.year == year, "series"])
    have = d[d.series.isin(current) & (d.year <= year) & (d.n > 0)]
    return sorted(set(have.year))[-count:]


def keyfigure_label(keys) -> str:
    keys = set(keys)
    return ins.key_label("positiv") if keys == {"positiv"} else ins.key_label("klart")


def keyfigure_table(dist: pd.DataFrame, indicator: int, year: int, number: str,
                    years: list[int] | None = None, min_n: int = fig.MIN_N) -> ReportTable:
    """Tabell N.2: n and nyckeltal per measure and group for the last three comparable years.

    ``dist``: distribution rows of every year (figures.distribution)."""
    d = dist[dist.indicator == indicator]
    now = d[d.year == year]
    years = years or comparison_years(dist, indicator, year)
    series = list(dict.fromkeys(_ordered(now).series))
    cols = []
    for y in years:
        cols += [Column(f"n_{y}", (str(y), "antal svar")), Column(f"k_{y}", (str(y), "nyckeltal"), "pct")]
    rows, notes = [], []
    hidden = False
    for s in series:
        this = now[now.series == s]
        first = this.iloc[0]
        rows.append({"label": question_title(first.survey, int(first.question)), "kind": SECTION})
        past = d[(d.series == s) & d.year.isin(years)]
        for g in ins.groups_of(first.survey):
            rows_g = past[past.group == g]
            if g != "samtliga" and (rows_g.empty or rows_g.suppressed.all()):
                hidden = hidden or not rows_g.empty
                continue
            row = {"label": g, "kind": ROW if g == "samtliga" else SUB}
            for y in years:
                r = rows_g[rows_g.year == y]
                if r.empty or int(r.n.iloc[0]) == 0:
                    row[f"n_{y}"], row[f"k_{y}"] = np.nan, np.nan
                else:
                    row[f"n_{y}"] = int(r.n.iloc[0])
                    row[f"k_{y}"] = np.nan if r.suppressed.iloc[0] else r.nyckeltal_pct.iloc[0]
            rows.append(row)
        renumbered = past[(past.question != first.question) & (past.group == "samtliga") & (past.n > 0)]
        for (q_old,), r in renumbered.groupby(["question"]):
            last = int(r.year.max())
            notes.append(f"Fråga {first.question} till {ins.SURVEY_LABELS[first.survey].lower()} var fråga "
                         f"{q_old} under mätningarna {last} och tidigare.")
        if first.key == "ja":
            notes.append(f"För fråga {first.question} ({ins.SURVEY_LABELS[first.survey].lower()}), en "
                         "ja/nej-fråga, är nyckeltalet andelen ja-svar.")
    if any(fmt.missing(r.get(c.key)) for r in rows if r["kind"] != SECTION for c in cols):
        notes.append(f"{fmt.DASH} = ingen jämförbar uppgift: frågan ställdes inte det året eller var då en "
                     "annan fråga, eller för få svar för att redovisas.")
    if hidden:
        notes.append(split_hidden_note(min_n))
    label = keyfigure_label(now.key)
    span = fmt.year_span(years[0], years[-1]) if years else str(year)
    return ReportTable(f"tabell-{number.replace('.', '-')}", number,
                       f"Nyckeltal ”{label}” för indikator {indicator}, jämförelse {span}.",
                       _frame(rows), cols, notes=notes)


# --- Tabell 20, 21 and the appendices -----------------------------------------------------------

def sure_changes_text(up: int, down: int, measures: int) -> str:
    """"säker ökning i 1 av 3 mått" — how many of an indicator's measures changed beyond chance."""
    parts = ([f"säker ökning i {up}"] if up else []) + ([f"säker minskning i {down}"] if down else [])
    if not parts:
        return f"{unc.NO_SURE_CHANGE.lower()} i " + ("måttet" if measures == 1 else f"något av {measures} mått")
    return f"{fmt.join_words(parts)} av {measures} mått"


def development_table(trend: pd.DataFrame, year: int, previous: int, number: str = "20",
                      show_chance: bool = False) -> ReportTable:
    """Tabell 20: combined development per indicator, with each verdict's sum and threshold.

    When ``trend`` has uncertainty.development's beyond_chance_up/_down, the Excel sheet gets
    them as columns; ``show_chance`` also writes them under each verdict in HTML (the förbund
    report; the national table keeps its published layout)."""
    rows = []
    for indicator in ins.measured_indicators():
        t = trend[trend.indicator == indicator].set_index("group")
        if t.empty:
            continue
        row = {"label": str(indicator), "kind": ROW, "text": ins.indicators()[indicator].text}
        for g in ("totalt", "kvinnor", "män"):
            if g in t.index:
                row[g] = t.at[g, "classification"]
                row[f"{g}_sum"] = int(t.at[g, "sum_change_pp"])
                row[f"{g}_threshold"] = int(t.at[g, "threshold_pp"])
                row[f"{g}_measures"] = int(t.at[g, "measures"])
                if "beyond_chance_up" in t.columns:
                    row[f"{g}_up"] = int(t.at[g, "beyond_chance_up"])
                    row[f"{g}_down"] = int(t.at[g, "beyond_chance_down"])
                    if show_chance:
                        row[f"{g}_sure"] = sure_changes_text(row[f"{g}_up"], row[f"{g}_down"], row[f"{g}_measures"])
        rows.append(row)
    cols = [Column("text", "Indikator", "text"),
            Column("totalt", f"Totalt resultat {year} jämfört med {previous}", "verdict"),
            Column("kvinnor", "Varav resultat kvinnor", "verdict"),
            Column("män", "Varav resultat män", "verdict")]
    excel = [Column("text", "Indikator", "text")]
    for g, name in (("totalt", "Totalt"), ("kvinnor", "Kvinnor"), ("män", "Män")):
        excel += [Column(g, f"{name}: resultat", "text"), Column(f"{g}_measures", f"{name}: antal mått"),
                  Column(f"{g}_sum", f"{name}: summa förändring (procentenheter)", "signed"),
                  Column(f"{g}_threshold", f"{name}: gräns (±)")]
        if "beyond_chance_up" in trend.columns:
            excel += [Column(f"{g}_up", f"{name}: mått med säker ökning"),
                      Column(f"{g}_down", f"{name}: mått med säker minskning")]
    notes = ["Summa = summan av förändringarna i nyckeltal (procentenheter) för indikatorns mått som finns "
             "båda åren. Ökning när summan är minst gränsen, minskning när den är högst minus gränsen; "
             "gränsen är 2 procentenheter gånger antalet mått."]
    if show_chance:
        notes.append("Säker ökning (minskning) i ett mått: hela 95-procentsintervallet för förändringen ligger över "
                     "(under) noll. Ökning och minskning kräver, utöver summan, minst ett sådant mått i samma riktning; "
                     f"annars ”{unc.NO_SURE_CHANGE.lower()}”.")
    return ReportTable(f"tabell-{number}", number, f"Sammanvägd indikatorutveckling {year} jämfört med "
                       f"{previous}.", _frame(rows), cols, label_header="Nr", notes=notes,
                       excel_columns=excel, long=True, narrow_label=True)


def totals_table(totals: pd.DataFrame, nationally: dict[int, int] | None = None,
                 number: str = "21") -> ReportTable:
    """Tabell 21: questionnaires and förbund per year (figures.totals_by_year)."""
    nationally = nationally or {}
    years = [int(y) for y in totals.year]
    t = totals.set_index("year")
    cols = [Column(str(y), str(y)) for y in years] + [Column("Totalt", "Totalt")]
    enk = {str(y): int(t.at[y, "enkater"]) for y in years}
    frb = {str(y): int(t.at[y, "forbund"]) for y in years}
    rows = [{"label": "Totalt insamlade enkäter", "kind": ROW, **enk, "Totalt": sum(enk.values())},
            {"label": "Antal deltagande förbund", "kind": ROW, **frb, "Totalt": fmt.DASH}]
    row_formats = {}
    if any(y in nationally for y in years):
        rows.append({"label": "Antal samordningsförbund nationellt", "kind": ROW,
                     **{str(y): nationally.get(y, np.nan) for y in years}, "Totalt": fmt.DASH})
        row_formats[len(rows)] = "pct"
        rows.append({"label": "Andel deltagande förbund", "kind": ROW,
                     **{str(y): fig.percent(frb[str(y)], nationally[y]) if y in nationally else np.nan
                        for y in years}, "Totalt": fmt.DASH})
    span = fmt.year_span(years[0], years[-1]) if years else ""
    return ReportTable(f"tabell-{number}", number, f"Antal insamlade enkäter och deltagande förbund {span}.",
                       _frame(rows), cols, sheet=f"Tabell {number}", row_formats=row_formats)


def appendix_1(counts: pd.DataFrame, year: int) -> ReportTable:
    """Bilaga 1: questionnaires per förbund and survey (figures.forbund_counts)."""
    surveys = ins.in_report_order(counts.columns)
    rows = []
    new_any = counts["nytt"].fillna(False).astype(bool).any() if "nytt" in counts else False
    for name, r in counts.iterrows():
        star = "*" if r.get("nytt") is True or r.get("nytt") == 1 else ""
        rows.append({"label": f"{name}{star}", "kind": ROW,
                     **{s: (int(r[s]) if pd.notna(r[s]) else fmt.DASH) for s in surveys},
                     "Totalt": int(r["Totalt"])})
    sums = {s: int(counts[s].sum()) for s in surveys}
    rows.append({"label": "SUMMA antal insamlade enkäter", "kind": TOTAL, **sums,
                 "Totalt": int(counts["Totalt"].sum())})
    rows.append({"label": "SUMMA antal deltagande förbund", "kind": TOTAL,
                 **{s: int(counts[s].notna().sum()) for s in surveys}, "Totalt": len(counts)})
    cols = [Column(s, SURVEY_HEADERS.get(s, s)) for s in surveys] + [Column("Totalt", "Totalt")]
    notes = [f"Streck ({fmt.DASH}) markerar att förbundet inte använt enkättypen."]
    if new_any:
        notes.insert(0, "* Förbund som inte deltog i föregående års mätning.")
    return ReportTable("bilaga-1", "", f"Antal insamlade enkäter per samordningsförbund och "
                       f"respondentgrupp {year}.", _frame(rows), cols, label_header="Samordningsförbund",
                       notes=notes, sheet="Bilaga 1", long=True, wide_label=True)


def measure_text(text: str, survey: str, question: int, scale: str | None = None) -> str:
    where = f"{SURVEY_SHORT.get(survey, survey)}, fråga {question}"
    if scale:
        where += f", svarsskala {scale}"
    return f"{text} ({where})"


def appendix_2(version: int) -> ReportTable:
    """Bilaga 2: the indicators and their measures (question, survey, number, scale)."""
    q = ins.version_questions(version)
    rows = []
    for number, indicator in ins.indicators().items():
        measures = q[q.indicator == number].assign(_s=lambda f: f.survey.map(_survey_rank))
        measures = measures.sort_values(["_s", "question"])
        lines = [measure_text(m.text, m.survey, m.question, m.scale) for m in measures.itertuples()]
        rows.append({"label": str(number), "kind": ROW, "text": indicator.text,
                     "measures": "\n".join(lines) if lines else "Registerstudie (under utveckling)"})
    cols = [Column("text", "Indikator", "text"), Column("measures", "Mått (respondent, svarsskala)", "lines")]
    return ReportTable("bilaga-2", "", f"Indikatorerna och måtten kopplade till dem (enkätversion {version}).",
                       _frame(rows), cols, label_header="Nr", sheet="Bilaga 2", long=True, narrow_label=True)


def scales_table() -> ReportTable:
    """The three answer scales (Bilaga 2, Svarsskalor)."""
    rows = []
    for code in range(1, 7):
        rows.append({"label": str(code), "kind": ROW,
                     **{s: (f"{ins.SCALES[s][code]}" if code in ins.SCALES[s] else "") for s in ("I", "II")},
                     "III": {1: "Ja", 2: "Nej"}.get(code, "")})
    cols = [Column("I", "Svarsskala I", "text"), Column("II", "Svarsskala II", "text"),
            Column("III", "Svarsskala III", "text")]
    return ReportTable("svarsskalor", "", "Svarsskalor: svarsalternativ och kod.", _frame(rows), cols,
                       label_header="Kod", sheet="Svarsskalor", narrow_label=True)


def categories_table() -> ReportTable:
    """How answers are grouped: Negativt / Varken eller / Positivt (Klart positivt)."""
    rows = [
        {"label": "Svarsskala I", "kind": ROW, "neg": "Aldrig (1), Sällan (2)", "var": "Ibland (3)",
         "pos": "Ofta (4)", "klart": "För det mesta (5), Alltid (6)"},
        {"label": "Svarsskala II", "kind": ROW, "neg": "Inte alls (1), Till liten del (2)",
         "var": "Delvis (3)", "pos": "Till stor del (4)",
         "klart": "Till mycket stor del (5), Helt och hållet (6)"},
        {"label": "Svarsskala III", "kind": ROW, "neg": "Nej", "var": "", "pos": "", "klart": "Ja"},
    ]
    cols = [Column("neg", "Negativt", "text"), Column("var", "Varken eller", "text"),
            Column("pos", ("Positivt", "positivt"), "text"), Column("klart", ("Positivt", "klart positivt"), "text")]
    return ReportTable("kategorier", "", "Kategorisering av enkätsvar.", _frame(rows), cols,
                       sheet="Kategorier")
