"""The national report's tables (Tabell 1–4, the indicator tables N.1 and N.2, Tabell 20 and 21,
Bilaga 1 and 2, the answer scales and categories), built from the frames of :mod:`figures` as
:class:`tables.ReportTable` (the 2022 national report's tables; method.md). Never reads files.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.figures import method as fig
from finsam_lib.figures import privacy
from finsam_lib.figures import uncertainty as unc
from finsam_lib.instrument import definition as ins
from finsam_lib.present.tables import (
    KEYFIGURE_HEADERS,
    MESSAGE,
    ROW,
    SECTION,
    SUB,
    SURVEY_HEADERS,
    SURVEY_SHORT,
    TOTAL,
    Column,
    ReportTable,
    _frame,
)

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
    # Each series' rows split off once, and its shown years' figures per group as records in the
    # rows' order (what a filter per series, group and year gives, looked up instead).
    first_of = {s: rows_s.iloc[0] for s, rows_s in now.groupby("series", sort=False)}
    past_of = dict(tuple(d[d.year.isin(years)].groupby("series", sort=False)))
    for s in series:
        first = first_of[s]
        rows.append({"label": question_title(first.survey, int(first.question)), "kind": SECTION})
        past = past_of.get(s, d.iloc[:0])
        by_group: dict[str, list[tuple]] = {}
        for g, y, n, suppressed, pct in zip(past.group.tolist(), past.year.tolist(), past.n.tolist(),
                                            past.suppressed.tolist(), past.nyckeltal_pct.tolist()):
            by_group.setdefault(g, []).append((y, n, suppressed, pct))
        for g in ins.groups_of(first.survey):
            rows_g = by_group.get(g, [])
            if g != "samtliga" and (not rows_g or all(suppressed for _, _, suppressed, _ in rows_g)):
                hidden = hidden or bool(rows_g)
                continue
            row = {"label": g, "kind": ROW if g == "samtliga" else SUB}
            for y in years:
                r = next((r for r in rows_g if r[0] == y), None)
                if r is None or int(r[1]) == 0:
                    row[f"n_{y}"], row[f"k_{y}"] = np.nan, np.nan
                else:
                    row[f"n_{y}"] = int(r[1])
                    row[f"k_{y}"] = np.nan if r[2] else r[3]
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


# --- The resultatfil's long data sheets ----------------------------------------------------------

def keyfigures_sheet(dist: pd.DataFrame) -> pd.DataFrame:
    """Nyckeltal for every year, measure and group of ``dist`` (a distribution frame with
    intervals): the resultatfil's long data sheet, Swedish headers (KEYFIGURE_HEADERS).

    Percent columns end with "(%)" (values 0–100; the Excel writer stores fractions).
    ``Serie`` names the measure followed over years (instrument.questions' series) and
    ``Enkätversion`` the questionnaire: a changed question is another series, so a pivot on
    Serie never joins e.g. indicator 4's 2018–2020 ja/nej question with the 2021 one."""
    out = dist[["year", "indicator", "survey", "version", "series", "question", "key", "group", "n",
             "nyckeltal_pct", "nyckeltal_ci_low", "nyckeltal_ci_high",
             "negativt_pct", "varken_pct", "positivt_pct", "klart_positivt_pct"]].copy()
    out["key"] = out.key.map(ins.key_label)
    out = out.assign(_s=out.survey.map(_survey_rank), _g=out.group.map(ins.GROUP_ORDER))
    out = out.sort_values(["indicator", "_s", "series", "_g", "year"]).drop(columns=["_s", "_g"])
    return out.rename(columns=KEYFIGURE_HEADERS).reset_index(drop=True)


def changes_sheet(changes: pd.DataFrame) -> pd.DataFrame:
    """Each measure's change since the previous year with its 95 % interval (``changes``:
    uncertainty.CHANGE_COLUMNS): a resultatfil sheet, Swedish headers."""
    ch = changes.drop(columns=["forbund"])
    names = {"year": "År", "compared_with": "Jämfört med", "survey": "Enkät", "question": "Fråga",
             "indicator": "Indikator", "group": "Grupp", "n": "n", "n_before": "n föregående år",
             "nyckeltal_pct": "Nyckeltal (%)", "nyckeltal_before_pct": "Nyckeltal föregående år (%)",
             "change_pp": "Förändring (procentenheter)", "change_ci_low_pp": "Förändring: 95 % lägre gräns",
             "change_ci_high_pp": "Förändring: 95 % övre gräns", "verdict": "Bedömning"}
    return ch.rename(columns=names)
