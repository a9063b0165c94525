"""A förbund report's tables, built from figures frames (the förbund's own and riket's), with the
stricter small-number rules of :mod:`privacy`: counts exact (rule 3), shares resting on fewer than
``min_n`` answers shown as "för få svar". Each builder returns a :class:`tables.ReportTable`
numbered by its caller (:class:`forbund_report.ForbundReport` numbers them as its model is built).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.base import swedish as sv
from finsam_lib.figures import insats as isx
from finsam_lib.figures import method as fig
from finsam_lib.figures import privacy
from finsam_lib.figures import uncertainty as unc
from finsam_lib.instrument import definition as ins
from finsam_lib.present import national_tables as nt
from finsam_lib.present import tables as tb

NO_INSATS = "Ingen insats angiven"


def question_label(text: str, survey: str, question: int) -> str:
    return f"{text} ({survey}, fråga {question})"


def _notes_for(unused: bool = False) -> list[str]:
    return [f"{fmt.DASH} = enkäten användes inte."] if unused else []


def survey_years_table(counts: pd.DataFrame, min_n: int, number: str) -> tb.ReportTable:
    """Responses per year (rows) and survey (columns), and the year's total.

    ``counts``: index year, a column per survey (NaN = not used)."""
    surveys = ins.in_report_order(counts.columns)
    rows = []
    for year, r in counts.iterrows():
        row = {"label": str(year), "kind": tb.ROW}
        for s in surveys:
            row[s] = privacy.count_cell(r[s], min_n)
        row[fig.TOTAL] = privacy.total_cell([r[s] for s in surveys], min_n)
        rows.append(row)
    cols = [tb.Column(s, tb.SURVEY_HEADERS.get(s, s)) for s in surveys] + [tb.Column(fig.TOTAL, "Totalt")]
    unused = counts[surveys].isna().any().any()
    return tb.ReportTable("tabell-1", number, "Antal besvarade enkäter per respondentgrupp och år.", tb._frame(rows),
                          cols, label_header="Mätår", notes=_notes_for(unused), sheet=f"Tabell {number}",
                          narrow_label=True)


def response_rates_table(response: pd.DataFrame, min_n: int, number: str, year: int) -> tb.ReportTable:
    """Tillfrågade, antal svar, svarsfrekvens and bortfall per survey this year and in total,
    every count exact (privacy rule 3)."""
    rows = []
    for r in response.itertuples():
        total = r.survey == fig.TOTAL
        rows.append({"label": "Totalt" if total else r.survey, "kind": tb.TOTAL if total else tb.ROW,
                     "tillfragade": r.tillfragade, "antal_svar": privacy.count_cell(r.antal_svar, min_n),
                     "svarsfrekvens": r.svar_av_tillfragade_pct,
                     "bortfall": r.bortfall if not pd.isna(r.tillfragade) else None})
    cols = [tb.Column("tillfragade", "Tillfrågade"), tb.Column("antal_svar", "Antal svar"),
            tb.Column("svarsfrekvens", "Svarsfrekvens", "pct"), tb.Column("bortfall", "Bortfall")]
    notes = ["Svarsfrekvens = antal svar / tillfrågade; bortfall = tillfrågade − antal svar. Ett svar räknas när "
             "minst en fråga är besvarad."]
    if any(fmt.missing(r["tillfragade"]) or fmt.missing(r["svarsfrekvens"]) for r in rows):
        notes.append(f"{fmt.DASH} = uppgift saknas (Tillfrågade har inte fyllts i på bladet Population).")
    return tb.ReportTable("tabell-2", number, f"Tillfrågade, svar, svarsfrekvens och bortfall per enkät {year}.",
                          tb._frame(rows), cols, notes=notes, sheet=f"Tabell {number}")


def insats_table(units: pd.DataFrame, response: pd.DataFrame, min_n: int, number: str,
                 year: int) -> tb.ReportTable | None:
    """Per survey and insats: tillfrågade, antal svar, svarsfrekvens, bortfall (as the 2019 local
    evaluation), every count exact (privacy rule 3). None when no survey is split into insatser."""
    r = response.set_index("survey")
    rows = []
    for survey in ins.in_report_order(units.survey):
        u = units[units.survey == survey]
        total = int(r.at[survey, "antal_svar"]) if survey in r.index else int(u.antal_svar.sum())
        if len(u) == 1 and u.insats.iloc[0] == "":
            continue  # nothing to split
        u = u.assign(label=[i or NO_INSATS for i in u.insats])
        order = sorted(range(len(u)), key=lambda i: (u.insats.iloc[i] == "", u.label.iloc[i].casefold()))
        rows.append({"label": survey, "kind": tb.SECTION})
        for x in u.iloc[order].itertuples():
            rate = fig.percent(int(x.svar_med_t), int(x.tillfragade)) if not pd.isna(x.tillfragade) \
                and not pd.isna(x.svar_med_t) else None
            rows.append({"label": x.label, "kind": tb.SUB, "tillfragade": x.tillfragade,
                         "antal_svar": privacy.count_cell(x.antal_svar, min_n), "svarsfrekvens": rate,
                         "bortfall": int(x.tillfragade) - int(x.svar_med_t) if rate is not None else None})
        t = r.loc[survey] if survey in r.index else None
        rows.append({"label": f"Totalt {survey.lower()}", "kind": tb.TOTAL,
                     "tillfragade": t.tillfragade if t is not None else None, "antal_svar": total,
                     "svarsfrekvens": t.svar_av_tillfragade_pct if t is not None else None,
                     "bortfall": t.bortfall if t is not None and not pd.isna(t.tillfragade) else None})
    if not rows:
        return None
    cols = [tb.Column("tillfragade", "Tillfrågade"), tb.Column("antal_svar", "Antal svar"),
            tb.Column("svarsfrekvens", "Svarsfrekvens", "pct"), tb.Column("bortfall", "Bortfall")]
    return tb.ReportTable("tabell-3", number, f"Tillfrågade och svar per insats {year}.", tb._frame(rows), cols,
                          notes=[], sheet=f"Tabell {number}", long=True, wide_label=True)


def insats_results_table(figures: pd.DataFrame, survey: str, min_n: int, number: str,
                         year: int) -> tb.ReportTable | None:
    """One survey's nyckeltal per insats (rows: insatser, Övriga insatser, Samtliga; columns: its
    questions, grouped by indicator), cells "78 % (70–85)" or "för få svar", as the 2019 local
    evaluation's results per insats. ``figures``: :func:`insats.insats_figures` rows of one förbund
    and year. None when the survey has one insats only or no insats row can be shown."""
    f = figures[figures.survey == survey]
    units = f[f.kind == isx.INSATS]
    if units.insats.nunique() < 2 or units.suppressed.all():
        return None
    measures = f[f.kind == isx.TOTAL].sort_values("question")
    cols = [tb.Column(f"q{m.question}", (f"Indikator {m.indicator}", f"Fråga {m.question}"), "pct_ci")
            for m in measures.itertuples()]
    excel = [c for m in measures.itertuples() for c in (
        tb.Column(f"q{m.question}", (f"Fråga {m.question}", "Nyckeltal"), "pct"),
        tb.Column(f"q{m.question}_low", (f"Fråga {m.question}", "95 % lägre gräns"), "pct"),
        tb.Column(f"q{m.question}_high", (f"Fråga {m.question}", "95 % övre gräns"), "pct"))]
    def order(i):  # by name, "no insats given" last (as insats_table)
        return i == "", str(i).casefold()
    names = sorted(set(units.insats[~units.suppressed.astype(bool)]), key=order)
    never = sorted(set(units.insats) - set(names), key=order)
    labels = [(i, i or NO_INSATS, tb.ROW, isx.INSATS) for i in names]
    if (f.kind == isx.POOLED).any():
        labels.append((isx.OTHERS, isx.OTHERS, tb.SUB, isx.POOLED))
    labels.append((isx.ALL, isx.ALL, tb.TOTAL, isx.TOTAL))
    # (insats, kind, question) -> (suppressed, nyckeltal, low, high), looked up per cell
    cells = {(i, k, q): rest for i, k, q, *rest in zip(*(f[c].tolist() for c in (
        "insats", "kind", "question", "suppressed", "nyckeltal_pct", "nyckeltal_ci_low", "nyckeltal_ci_high")))}
    questions = measures.question.tolist()
    rows = []
    for name, label, kind, what in labels:
        row = {"label": label, "kind": kind}
        for q in questions:
            c = cells.get((name, what, q))
            if c is None:
                row[f"q{q}"] = None
                continue
            suppressed, pct, low, high = c
            if suppressed:
                row[f"q{q}"] = privacy.TOO_FEW
            else:
                row.update({f"q{q}": pct, f"q{q}_low": low, f"q{q}_high": high})
        rows.append(row)
    cells_of = [r.get(c.key) for r in rows for c in cols]
    notes = ["Nyckeltalet per fråga (" + sv.format_list(ins.key_label(k) for k in sorted(set(measures.key)))
             + "); inom parentes 95 % konfidensintervall."]
    if never:
        notes.append(f"”{isx.OTHERS}” omfattar på varje fråga {sv.format_list(i or NO_INSATS for i in never)}, "
                     "som har för få svar för att redovisas var för sig.")
    if isx.OTHERS in [r["label"] for r in rows]:
        notes.append(f"Insatser med färre än {min_n} svar på en fråga redovisas samlat som ”{isx.OTHERS}”; har den "
                     f"gruppen färre än {min_n} svar läggs även den minsta övriga insatsen dit, så att ingen insats "
                     "kan räknas fram ur skillnaden mot samtliga.")
    if privacy.TOO_FEW in cells_of:
        notes.append(f"”{privacy.TOO_FEW}” = insatsen redovisas inte på frågan (färre än {min_n} svar, eller "
                     f"insatsen ingår i ”{isx.OTHERS}”).")
    if None in cells_of:
        notes.append(f"{fmt.DASH} = inga svar på frågan i insatsen (eller ingen insats behövde slås ihop).")
    return tb.ReportTable(f"tabell-{number}", number, f"Nyckeltal per insats, {survey.lower()} {year}.",
                          tb._frame(rows), cols, label_header="Insats", notes=notes, sheet=f"Tabell {number}",
                          wide_label=True, excel_columns=excel)


def gender_table(response: pd.DataFrame, min_n: int, number: str, year: int) -> tb.ReportTable | None:
    """Deltagare by kön: counts and their shares of the survey's responses, exact (privacy rule 3)."""
    r = response[response.survey.isin([s for s, b in ins.BACKGROUND.items() if b == "Kön"])]
    if r.empty:
        return None
    rows = []
    for x in r.itertuples():
        n = int(x.antal_svar)
        row = {"label": x.survey, "kind": tb.ROW, "total": n}
        for key, v in (("k", x.kvinnor), ("m", x.man), ("e", x.ej_uppgett_kon)):
            row[f"{key}_antal"] = int(v)
            row[f"{key}_andel"] = fig.percent(int(v), n) if n else None
        rows.append(row)
    cols = [tb.Column("k_antal", ("Kvinnor", "antal")), tb.Column("k_andel", ("Kvinnor", "andel"), "pct"),
            tb.Column("m_antal", ("Män", "antal")), tb.Column("m_andel", ("Män", "andel"), "pct"),
            tb.Column("e_antal", ("Ej uppgett kön", "antal")), tb.Column("e_andel", ("Ej uppgett kön", "andel"), "pct"),
            tb.Column("total", "Totalt")]
    return tb.ReportTable("tabell-4", number, f"Svarande deltagare efter kön {year}.", tb._frame(rows), cols,
                          notes=[], sheet=f"Tabell {number}")


def by_series(dist: pd.DataFrame, group: str = "samtliga") -> dict[str, pd.DataFrame]:
    """A distribution frame's rows of one group split by series once, for look-ups (each part
    keeps the frame's columns and row order)."""
    return {s: part for s, part in dist[dist.group == group].groupby("series", sort=False)}


KEYFIGURE_FIELDS = ("n", "suppressed", "nyckeltal_pct", "nyckeltal_ci_low", "nyckeltal_ci_high")


def by_series_year(dist: pd.DataFrame) -> dict[str, dict[int, dict]]:
    """A distribution frame's samtliga rows for look-ups: series -> {year: {field: value}} with the
    fields :func:`keyfigure_table` reads (KEYFIGURE_FIELDS; a measure has one row a year)."""
    d = dist[dist.group == "samtliga"]
    fields = [f for f in KEYFIGURE_FIELDS if f in d]
    out: dict[str, dict[int, dict]] = {}
    for s, y, *values in zip(d.series.tolist(), d.year.tolist(), *(d[f].tolist() for f in fields)):
        out.setdefault(s, {})[int(y)] = dict(zip(fields, values))
    return out


CHANGE_FIELDS = ("change_pp", "change_ci_low_pp", "change_ci_high_pp", "verdict")  # uncertainty.changes
RIKET_FIELDS = ("diff_ci_low_pp", "diff_ci_high_pp", "verdict")  # uncertainty.riket_difference


def fields_by_series(frame: pd.DataFrame, fields) -> dict[str, dict]:
    """A frame with one row per series for look-ups: series -> {field: value}."""
    return {s: dict(zip(fields, values))
            for s, *values in zip(frame.series.tolist(), *(frame[f].tolist() for f in fields))}


def keyfigure_lookups(local: pd.DataFrame, national: pd.DataFrame, changes: pd.DataFrame | None,
                      vs_riket: pd.DataFrame) -> tuple[dict, dict, dict | None, dict]:
    """:func:`keyfigure_table`'s look-ups, made once per report: :func:`by_series_year` of
    ``local`` and ``national``; per series the samtliga change (``changes``: uncertainty.changes,
    or None) and the difference from riket (``vs_riket``: uncertainty.riket_difference)."""
    return (by_series_year(local), by_series_year(national),
            None if changes is None else fields_by_series(changes[changes.group == "samtliga"], CHANGE_FIELDS),
            fields_by_series(vs_riket, RIKET_FIELDS))


def keyfigure_table(local: pd.DataFrame, national: pd.DataFrame, measures: pd.DataFrame, years: list[int],
                    year: int, number: str, indicator: int, min_n: int,
                    previous: int | None = None, changes: pd.DataFrame | None = None,
                    vs_riket: pd.DataFrame | None = None,
                    lookups: tuple | None = None) -> tb.ReportTable:
    """Nyckeltal of the förbund and the country per measure and year, the förbund's change since
    ``previous`` and this year's difference from riket; the förbund's figures with their 95 %
    intervals (``local`` from uncertainty.with_intervals; uncertainty.changes and
    uncertainty.riket_difference for the change and the difference). ``changes``/``vs_riket``:
    those two of the same frames already computed (a report computes them once for all its
    indicators); computed here when not given. ``lookups``: :func:`keyfigure_lookups` of the same
    frames, likewise (made once per report instead of once per indicator)."""
    cols = [tb.Column(str(y), str(y), "pct_ci") for y in years]
    excel = [c for y in years for c in (tb.Column(str(y), str(y), "pct"),
                                        tb.Column(f"{y}_low", (str(y), "95 % lägre gräns"), "pct"),
                                        tb.Column(f"{y}_high", (str(y), "95 % övre gräns"), "pct"))]
    wanted = set(measures.series)
    has_change = previous is not None and previous in years
    if lookups is None:
        if has_change and changes is None:
            changes = unc.changes(local, year, previous)
        if vs_riket is None:
            vs_riket = unc.riket_difference(local, national, year)
        lookups = keyfigure_lookups(*(d[d.series.isin(wanted)] for d in (local, national)), changes, vs_riket)
    mine_by, theirs_by, change, vs_riket = lookups
    change = (change or {}) if has_change else {}
    if has_change:
        cols.append(tb.Column("change", f"Förändring {previous}{fmt.DASH}{year}", "signed_ci"))
        excel += [tb.Column("change", f"Förändring {previous}{fmt.DASH}{year}", "signed"),
                  tb.Column("change_low", "Förändring: 95 % lägre gräns", "signed"),
                  tb.Column("change_high", "Förändring: 95 % övre gräns", "signed"),
                  tb.Column("change_verdict", "Förändring: bedömning", "text")]
    cols.append(tb.Column("diff", f"Skillnad {year}", "signed_ci"))
    excel += [tb.Column("diff", f"Skillnad mot riket {year}", "signed"),
              tb.Column("diff_low", "Skillnad: 95 % lägre gräns", "signed"),
              tb.Column("diff_high", "Skillnad: 95 % övre gräns", "signed"),
              tb.Column("diff_verdict", "Skillnad: bedömning", "text")]
    rows, few, missing = [], False, False
    for text, survey, question, series in zip(*(measures[k].tolist() for k in ("text", "survey", "question",
                                                                               "series"))):
        rows.append({"label": question_label(text, survey, question), "kind": tb.SECTION})
        mine, theirs = (by.get(series, {}) for by in (mine_by, theirs_by))
        f_row = {"label": "Förbundet", "kind": tb.ROW}
        r_row = {"label": "Riket", "kind": tb.SUB, "diff": fmt.NBSP, "change": fmt.NBSP}
        for y in years:
            here = mine.get(y)
            if here is not None and here["n"] > 0:
                if here["suppressed"]:
                    f_row[str(y)] = privacy.TOO_FEW
                    few = True
                else:
                    f_row[str(y)] = here["nyckeltal_pct"]
                    f_row[f"{y}_low"] = here["nyckeltal_ci_low"]
                    f_row[f"{y}_high"] = here["nyckeltal_ci_high"]
            else:
                f_row[str(y)] = None
                missing = True
            r_row[str(y)] = theirs[y]["nyckeltal_pct"] if y in theirs else None
            missing = missing or r_row[str(y)] is None
        c = change.get(series)
        if c is not None:
            f_row.update(change=c["change_pp"], change_low=c["change_ci_low_pp"], change_high=c["change_ci_high_pp"],
                         change_verdict=c["verdict"])
        a, b = f_row.get(str(year)), r_row.get(str(year))
        if not isinstance(a, str) and not fmt.missing(a) and not fmt.missing(b):
            f_row["diff"] = a - b
            v = vs_riket.get(series)
            if v is not None:
                f_row.update(diff_low=v["diff_ci_low_pp"], diff_high=v["diff_ci_high_pp"], diff_verdict=v["verdict"])
        rows.append(f_row)
        rows.append(r_row)
    label = nt.keyfigure_label(set(measures.key))
    notes = ["Inom parentes: 95 % konfidensintervall för förbundets nyckeltal, förändring och skillnad mot riket "
             "(se avsnittet Om indikatorerna)."]
    if (measures.key == "ja").any():
        notes.append("För ja/nej-frågan är nyckeltalet andelen ja-svar.")
    if few:
        notes.append(f"”{privacy.TOO_FEW}” = färre än {min_n} svar; andelen redovisas inte.")
    if missing:
        notes.append(f"{fmt.DASH} = inga svar på frågan det året (enkäten användes inte, eller frågan ställdes inte i "
                     "den formen).")
    span = fmt.year_span(years[0], years[-1])
    return tb.ReportTable(f"tabell-{number}", number,
                          f"Indikator {indicator}: nyckeltal ”{label}”, förbundet och riket {span}.",
                          tb._frame(rows), cols, notes=notes, sheet=f"Tabell {number}", wide_label=True,
                          excel_columns=excel)


# --- Figures of one förbund ----------------------------------------------------------------------

def insats_units(units: pd.DataFrame) -> pd.DataFrame:
    """A förbund's population units of its year (figures.year.YearFigures.units, i.e.
    figures.population_units) as Tabell 3 takes them: survey, insats, malpopulation, tillfragade,
    antal_svar, plus svar_med_t: the responses of units with a Tillfrågade."""
    out = units[["survey", "insats", "malpopulation", "tillfragade", "antal_svar"]].copy()
    out["svar_med_t"] = out["antal_svar"].astype("Int64").where(out.tillfragade.notna())
    return out


def measures_of(version: int, indicator: int) -> pd.DataFrame:
    """The indicator's questions in a questionnaire version, in the report's order (a copy of
    the frame made once per process)."""
    return _measures_of(version, indicator).copy()


@lru_cache(maxsize=None)
def _measures_of(version: int, indicator: int) -> pd.DataFrame:
    q = ins.version_questions(version)
    q = q[q.indicator == indicator]
    q = q.assign(_s=q.survey.map(nt._survey_rank)).sort_values(["_s", "question"]).drop(columns="_s")
    return q.reset_index(drop=True)


@lru_cache(maxsize=None)
def series_start(series: str) -> int:
    """The questionnaire version (= the year) from which a measure is asked as it is now (the
    instrument's, looked up once per process)."""
    return ins.comparable_since(series)


@lru_cache(maxsize=None)
def question_changed(series: str, survey: str) -> bool:
    """Whether the survey asked the measure's indicator before :func:`series_start` with a question
    that no later questionnaire asks (the question changed, rather than was added); the
    instrument's, looked up once per process."""
    q = ins.questions()
    start = series_start(series)
    this = q[q.series == series].iloc[0]
    old = q[(q.version < start) & (q.survey == survey) & (q.indicator == this.indicator)]
    later = set(q.loc[q.version >= start, "series"])
    return bool((~old.series.isin(later)).any())


def compare_with_riket(local: pd.DataFrame, national: pd.DataFrame, year: int,
                       indicator: int | None = None, sure: pd.DataFrame | None = None) -> pd.DataFrame:
    """This year's shown nyckeltal of the förbund beside the country's, per measure (samtliga):
    series, survey, question, indicator, key, forbund, riket, diff (förbund − riket), and the
    difference's 95 % interval and verdict (diff_ci_low_pp, diff_ci_high_pp, verdict: högre /
    lägre / ingen säker skillnad; uncertainty.riket_difference, or ``sure`` when already computed)."""
    def pick(d):
        d = d[(d.year == year) & (d.group == "samtliga") & d.nyckeltal_pct.notna()]
        return d if indicator is None else d[d.indicator == indicator]
    mine = pick(local).set_index("series")
    theirs = pick(national).set_index("series")["nyckeltal_pct"]
    out = mine[["survey", "question", "indicator", "key", "nyckeltal_pct"]].rename(columns={"nyckeltal_pct": "forbund"})
    out["riket"] = theirs.reindex(out.index)
    out = out.dropna(subset=["riket"])
    out["diff"] = out.forbund - out.riket
    if sure is None:
        sure = unc.riket_difference(pick(local), pick(national), year)
    sure = sure.set_index("series")
    out = out.join(sure)
    out["verdict"] = out["verdict"].fillna(unc.UNSURE_DIFFERENCE)
    out = out.assign(_s=out.survey.map(nt._survey_rank)).sort_values(["indicator", "_s", "question"])
    return out.drop(columns="_s").rename_axis("series").reset_index()


# --- The förbund workbook's data sheet -----------------------------------------------------------

def answers_sheet(samtliga: pd.DataFrame, national: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """The förbund workbook's sheet Svarsfördelning: the charts' figures for every shown year and
    question (``samtliga``: the förbund's samtliga rows with intervals): n and the share of each
    answer code where shown, the förbund's nyckeltal with its 95 % interval, and the country's
    (``national``: its samtliga rows). Headers as the national long sheet's (KEYFIGURE_HEADERS)."""
    d = samtliga[samtliga.year.isin(years) & (samtliga.n > 0)]
    q = ins.questions()[["version", "survey", "question", "text"]]
    d = d.merge(q, on=["version", "survey", "question"], how="left")
    nat = dict(zip(zip(national.year, national.series), national.nyckeltal_pct))
    n = d.n.to_numpy(dtype="int64")
    counts = {code: pd.to_numeric(d[f"code_{code}"], errors="coerce").to_numpy(dtype=float) for code in fig.CODES}
    pcts = {code: fig.percent(np.nan_to_num(c).astype("int64"), n) for code, c in counts.items()}  # every row at once
    rows = []
    h = tb.KEYFIGURE_HEADERS  # the national long sheet's headers
    for i, r in enumerate(d.itertuples()):
        shown = not r.suppressed
        row = {h["year"]: int(r.year), h["indicator"]: int(r.indicator), h["survey"]: r.survey,
               h["version"]: int(r.version), h["series"]: r.series, h["question"]: int(r.question),
               "Frågetext": r.text, h["key"]: ins.key_label(r.key), h["n"]: int(r.n) if shown else None}
        for code in fig.CODES:
            row[f"Kod {code} (%)"] = float(pcts[code][i]) if shown and not np.isnan(counts[code][i]) \
                and (r.scale != "III" or code <= 2) else None
        for key in ("nyckeltal_pct", "nyckeltal_ci_low", "nyckeltal_ci_high"):
            row[h[key]] = getattr(r, key) if shown else None
        row["Riket: nyckeltal (%)"] = nat.get((r.year, r.series))
        row["Redovisas"] = "ja" if shown else privacy.TOO_FEW
        rows.append(row)
    out = pd.DataFrame(rows)
    if len(out):
        out = out.assign(_s=out["Enkät"].map(nt._survey_rank)).sort_values(
            ["Indikator", "_s", "Fråga", "År"]).drop(columns="_s").reset_index(drop=True)
    return out
