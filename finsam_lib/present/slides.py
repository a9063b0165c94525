"""Building the meeting deck (:class:`deck.Deck`): a title slide, a summary slide and one slide
per measured indicator, from :class:`year.YearFigures` (nationally, or for one förbund with the
national figures beside it). Nothing here draws or writes files.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.base import swedish as sv
from finsam_lib.figures import method as fig
from finsam_lib.figures import uncertainty as unc
from finsam_lib.figures.year import YearFigures, year_figures
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts
from finsam_lib.present import commentary as com
from finsam_lib.present.deck import (
    NO_COMPARISON,
    REFERENCE,
    SURVEY_NAMES,
    Chart,
    Deck,
    Headline,
    Slide,
    Table,
    VerdictGroup,
)
from finsam_lib.present.model import swedish_date

FACT_CHARS = 210  # a drafted fact longer than this is too long for a slide
FACT_BUDGET = 400  # characters of facts one slide holds (three facts only when short)
FACT_COUNT = 3


def _total(response: pd.DataFrame | None) -> pd.Series | None:
    if response is None or response.empty:
        return None
    t = response[response.survey == fig.TOTAL]
    return t.iloc[0] if len(t) else None


def title_slide(results: YearFigures, national: YearFigures | None, made: dt.date, min_n: int) -> Slide:
    year, forbund = results.year, results.forbund
    total = _total(results.response())
    enkater = int(total.antal_svar) if total is not None else 0
    small = (f"Andelar som bygger på färre än {min_n} svar redovisas inte. "
             f"Framställd {swedish_date(made)}.")
    period = f"Mätperiod november {year - 1} – oktober {year}"
    if forbund is None:
        count = int(total.forbund_count) if total is not None else 0
        lines = [sv.count_phrase(count, sv.SAMORDNINGSFORBUND, words=False),
                 sv.count_phrase(enkater, sv.ENKAT, words=False), period]
        return Slide("title", f"Indikatorresultat {year}", "Riket – alla deltagande samordningsförbund",
                     kicker="NNS indikatorer", lines=lines, small_print=small)
    lines = [sv.count_phrase(enkater, sv.ENKAT, words=False), period]
    nat = _total(national.response()) if national is not None else None
    if nat is not None:
        lines.append(f"{REFERENCE}: {sv.count_phrase(nat.antal_svar, sv.ENKAT, words=False)} från "
                     f"{sv.count_phrase(nat.forbund_count, sv.SAMORDNINGSFORBUND, words=False)}")
    return Slide("title", forbund, f"Indikatorresultat {year}", kicker="Samordningsförbund",
                 lines=lines, small_print=small)


def verdict_groups(trend: pd.DataFrame, shown: list[int] | None = None, forbund: bool = False) -> list[VerdictGroup]:
    """The Tabell 20 verdicts (all respondents) as three lists of indicators, and a fourth of
    the ``shown`` indicators that have no verdict (no figures shown in both years). A förbund's
    middle group is uncertainty.NO_SURE_CHANGE (its trend is uncertainty.development's rule 2)."""
    t = trend[trend.group == "totalt"] if len(trend) else trend
    names = ins.indicators()

    def item(i) -> str:
        return f"{int(i)}\u00a0{names[int(i)].short_name}"

    middle = unc.NO_SURE_CHANGE if forbund else ins.NEITHER
    groups = [VerdictGroup(c, [item(i) for i in t.loc[t.classification == c, "indicator"]])
              for c in (ins.INCREASE, middle, ins.DECREASE)]
    missing = [i for i in (shown or []) if i not in set(t.indicator.astype(int))]
    if missing:
        groups.append(VerdictGroup(NO_COMPARISON, [item(i) for i in missing]))
    return groups


def response_rows(now: pd.DataFrame, before: pd.DataFrame | None, year: int,
                  forbund_row: bool = False) -> Table:
    """Responses per survey this year and last year with the change (and, nationally, the
    number of förbund); only this year's column when last year has no responses."""
    compare = before is not None and len(before) > 0
    now_n = now.set_index("survey")["antal_svar"]
    before_n = before.set_index("survey")["antal_svar"] if compare else pd.Series(dtype="Int64")
    surveys = ins.in_report_order({*now_n.index, *before_n.index})
    counts = [(SURVEY_NAMES.get(s, s), now_n.get(s, pd.NA), before_n.get(s, pd.NA)) for s in surveys]
    counts.append(("Totalt", now_n.get(fig.TOTAL, pd.NA), before_n.get(fig.TOTAL, pd.NA)))
    if forbund_row:
        count = now.loc[now.survey == fig.TOTAL, "forbund_count"]
        count_before = before.loc[before.survey == fig.TOTAL, "forbund_count"] if compare else []
        counts.append(("Förbund", count.iloc[0] if len(count) else pd.NA,
                       count_before.iloc[0] if len(count_before) else pd.NA))
    rows = []
    for label, a, b in counts:
        if not compare:
            rows.append([label, fmt.number(a)])
            continue
        change = fmt.signed(a - b) if not fmt.missing(a) and not fmt.missing(b) else fmt.DASH
        rows.append([label, fmt.number(b), fmt.number(a), change])
    header = ["Enkät", str(year - 1), str(year), "Förändring"] if compare else ["Enkät", str(year)]
    return Table(header, rows, 2 if forbund_row else 1)


def summary_slide(results: YearFigures, previous: int | None, response_before: pd.DataFrame | None,
                  indicators: list[int] | None = None) -> Slide:
    year = results.year
    slide = Slide("summary", f"Sammanfattning {year}")
    if previous is None:
        slide.groups_title = "Utveckling per indikator"
        who = "förbundet har" if results.forbund else "det finns"
        slide.message = f"Ingen jämförelse med {year - 1}: {who} inga svar från det året."
    else:
        slide.groups_title = f"Utveckling jämfört med {previous}"
        slide.groups = verdict_groups(results.trend, indicators, forbund=results.forbund is not None)
        slide.small_print = ("Ökning eller minskning: nyckeltalens förändring summerad över indikatorns mått "
                             "är minst 2 procentenheter per mått uppåt eller nedåt (som i Tabell 20)")
        slide.small_print += (", och minst ett mått har ändrats i samma riktning mer än slumpen kan förklara "
                              "(95 % intervall)." if results.forbund else ".")
        if any(g.classification == NO_COMPARISON for g in slide.groups):
            slide.small_print += (f" Ingen jämförelse: inga mått med redovisade nyckeltal både {previous} "
                                  f"och {year}.")
    slide.table = response_rows(results.response(), response_before, year, forbund_row=results.forbund is None)
    slide.table_title = "Antal svar"
    notes = [f"{slide.groups_title}:", slide.message]
    for g in slide.groups:
        notes.append(f"{g.label}: {sv.format_list(g.items) or 'inga'}.")
    slide.notes = "\n".join(n for n in notes if n)
    return slide


def _rank(frame: pd.DataFrame) -> pd.DataFrame:
    order = {s: i for i, s in enumerate(ins.SURVEYS)}
    return frame.assign(_s=frame.survey.map(order).fillna(99)).sort_values(["_s", "question"]).drop(columns="_s")


def headline_row(now: pd.DataFrame) -> pd.Series | None:
    """The headline measure among an indicator's samtliga rows of one year.

    The first deltagare measure (pågående before avslut), else the first measure of the
    survey order; a ja/nej question only when no scale question will do. A shown figure
    wins over a suppressed one; a suppressed one over nothing.
    """
    d = now[(now.group == "samtliga") & (now.n > 0)]
    if d.empty:
        return None
    d = _rank(d)
    d = d.assign(_hidden=d.nyckeltal_pct.isna(), _ja=d.key == "ja",
                 _other=~d.survey.str.startswith("Deltagare"))
    return d.sort_values(["_hidden", "_ja", "_other"], kind="stable").iloc[0]


def _shown(value) -> float | None:
    return None if fmt.missing(value) else float(value)


def _question_text(version: int, survey: str, question: int) -> str:
    q = ins.version_questions(int(version), survey)
    text = q.loc[q.question == question, "text"]
    return text.iloc[0] if len(text) else ""


def headline(dist: pd.DataFrame, indicator: int, year: int, previous: int | None,
             national: YearFigures | None = None) -> Headline | None:
    now = dist[(dist.year == year) & (dist.indicator == indicator)]
    row = headline_row(now)
    if row is None:
        return None
    value = _shown(row.nyckeltal_pct)
    change = low = high = None
    verdict = ""
    if previous is not None and value is not None:
        ch = com.changes(dist[dist.series == row.series], None, year, previous, group=row.group)
        if len(ch):
            c = ch.iloc[0]
            change, low, high, verdict = float(c.change), _shown(c.low), _shown(c.high), c.verdict
    nat = None if national is None else national.row(row.survey, row.series, row.group, year)
    return Headline(survey=row.survey, question=int(row.question), series=row.series, group=row.group,
                    key=row.key, question_text=_question_text(row.version, row.survey, int(row.question)),
                    n=int(row.n), value=value, previous_year=previous, change=change,
                    national=None if nat is None else _shown(nat.nyckeltal_pct),
                    ci_low=_shown(row.get("nyckeltal_ci_low")), ci_high=_shown(row.get("nyckeltal_ci_high")),
                    change_low=low, change_high=high, change_verdict=verdict)


def chart_keys(dist: pd.DataFrame, indicator: int, year: int, head: Headline | None) -> set[str]:
    """The key figures one chart shows: the ja/nej measures or the others, as the headline."""
    keys = set(dist.loc[(dist.indicator == indicator) & (dist.n > 0), "key"])
    if head is not None and head.key == "ja":
        return {"ja"}
    return keys - {"ja"} or keys


def _key_caption(keys: set[str]) -> str:
    if keys == {"ja"}:
        label = ins.key_label("ja")
    elif keys == {"positiv"}:
        label = ins.key_label("positiv")
    else:
        label = ins.key_label("klart")
    return label[0].upper() + label[1:]


def indicator_chart(dist: pd.DataFrame, indicator: int, year: int, head: Headline | None,
                    national: YearFigures | None = None, forbund: str | None = None) -> Chart | None:
    """One line per respondent group (survey; one per measure when a survey has several),
    samtliga, over the years in the data; a förbund's chart adds the national line of the
    headline measure. With fewer than two years: bars of this year's measures."""
    keys = chart_keys(dist, indicator, year, head)
    samtliga = dist[dist.group == "samtliga"]
    points = charts.indicator_points(samtliga, indicator, keys)
    salt = f"i{indicator}"
    caption = f"{_key_caption(keys)}, samtliga svarande."
    if len(points) and points.get("old", pd.Series(False, index=points.index)).astype(bool).any():
        # Questions changed in a later questionnaire: too much for a slide; the report shows them.
        points = points[~points.old.astype(bool)]
        caption += " Frågor som senare ändrats visas inte."
    shown = points.dropna(subset=["value"]) if len(points) else points
    years = sorted(int(y) for y in dist.loc[(dist.n > 0), "year"].unique())
    if len(shown) and shown.year.nunique() >= 2:
        years = [y for y in years if shown.year.min() <= y <= year]
        points = points.assign(reference=False)
        if forbund and national is not None and head is not None:
            nat = national.measure(head.survey, head.series, head.group)
            nat = nat[nat.year.isin(years) & (nat.n > 0)]
            if nat.nyckeltal_pct.notna().any():
                name = f"{REFERENCE}, {charts.SURVEY_SHORT.get(head.survey, head.survey)} F{head.question}"
                ref = pd.DataFrame({"line": name, "survey": head.survey, "group": "samtliga",
                                    "series": head.series, "question": head.question,
                                    "year": nat.year.astype(int), "value": nat.nyckeltal_pct.astype(float),
                                    "n": nat.n, "reference": True})
                points = pd.concat([points, ref], ignore_index=True)
                caption += f" Grå streckad linje: {REFERENCE.lower()}."
        if _has_gap(points, years):
            caption += " Där en linje saknar punkt finns inga svar eller för få svar."
        description = f"Linjediagram, indikator {indicator}, {fmt.year_span(years[0], years[-1])}."
        return Chart("line", points, years, caption, salt, description)
    # One year only: this year's measures as bars (suppressed measures left out).
    now = _rank(dist[(dist.year == year) & (dist.indicator == indicator) & (dist.group == "samtliga")
                     & dist.key.isin(keys) & (dist.n > 0)])
    bars = now.dropna(subset=["nyckeltal_pct"])
    if bars.empty:
        return None
    rows = []
    nat = pd.Series(dtype=float)
    if forbund and national is not None:
        nat = national.now[national.now.group == "samtliga"].set_index("series")["nyckeltal_pct"]
    for r in bars.itertuples():
        label = f"{charts.SURVEY_SHORT.get(r.survey, r.survey)} F{int(r.question)}"
        rows.append((label, float(r.nyckeltal_pct), False))
        if not fmt.missing(nat.get(r.series)):  # the national figure right under the förbund's
            rows.append((REFERENCE, float(nat[r.series]), True))
    frame = pd.DataFrame(rows, columns=["label", "value", "reference"])
    caption = f"{_key_caption(keys)}, samtliga svarande, {year}."
    if frame.reference.any():
        caption += f" Grå stapel: {REFERENCE.lower()}."
    if len(bars) < len(now):
        caption += " Mått med för få svar visas inte."
    return Chart("bar", frame, [year], caption, salt, f"Stapeldiagram, indikator {indicator}, {year}.")


def _has_gap(points: pd.DataFrame, years: list[int]) -> bool:
    """A line without a shown value in a year between its first shown value and the last year."""
    for _, p in points.dropna(subset=["value"]).groupby("line"):
        shown = set(p.year.astype(int))
        if any(y not in shown for y in years if y >= min(shown)):
            return True
    return False


def change_summary(ch: pd.DataFrame, previous: int) -> str:
    """A short form of commentary.change_sentence for a slide: how many measures rose and fell
    beyond chance (commentary.changes' verdicts)."""
    up = int((ch.verdict == unc.INCREASE).sum())
    down = int((ch.verdict == unc.DECREASE).sum())
    same = len(ch) - up - down
    if len(ch) == 1:
        what = "ökat" if up else "minskat" if down else "inte ändrats säkert"
        return f"Nyckeltalet för indikatorns enda mått har jämfört med {previous} {what}."
    parts = []
    if up:
        parts.append(f"ökat för {sv.number_word(up, sv.ETT)}")
    if down:
        parts.append(f"minskat för {sv.number_word(down, sv.ETT)}")
    if same:
        parts.append(f"inte ändrats säkert för {sv.number_word(same, sv.ETT)}")
    return (f"Av indikatorns {sv.count_phrase(len(ch), sv.MATT)} har nyckeltalet jämfört med "
            f"{previous} {sv.format_list(parts)}.")


def slide_facts(dist: pd.DataFrame, indicator: int, year: int, previous: int | None,
                min_n: int = fig.MIN_N) -> list[str]:
    """Two or three drafted facts (commentary.py) short enough for a slide."""
    now = dist[(dist.year == year) & (dist.indicator == indicator) & (dist.n > 0)]
    if now.nyckeltal_pct.isna().all():
        return [f"Indikatorns frågor har för få svar {year} för att kunna redovisas "
                f"(färre än {min_n} svar per fråga)."]
    facts = []
    if previous is not None:
        ch = com.changes(dist, indicator, year, previous)
        if len(ch):
            sentence = com.change_sentence(ch, previous)
            facts.append(sentence if len(sentence) <= FACT_CHARS else change_summary(ch, previous))
        else:
            facts.append(f"Indikatorns mått har inga jämförbara svar från {previous}.")
    facts.append(com.gender_sentence(com.gender_gaps(dist, year, indicator)))
    facts.append(com.extremes_sentence(dist, year, indicator))
    facts = [f for f in facts if f and len(f) <= FACT_CHARS][:FACT_COUNT]
    while len(facts) > 2 and sum(map(len, facts)) > FACT_BUDGET:
        facts.pop()
    return facts


def verdict_line(trend: pd.DataFrame, indicator: int, previous: int | None) -> tuple[str, str, str]:
    """(verdict, detail, classification) of the indicator's combined development (totalt)."""
    if previous is None or trend.empty:
        return "", "", ""
    t = trend[(trend.indicator == indicator) & (trend.group == "totalt")]
    if t.empty:
        return "", "", ""
    r = t.iloc[0]
    detail = f"summa {fmt.signed(r.sum_change_pp)}, gräns ±{fmt.number(r.threshold_pp)}"
    return f"Sammanvägt: {r.classification.lower()}", detail, r.classification


def measures_list(dist: pd.DataFrame, indicator: int, year: int) -> list[str]:
    now = _rank(dist[(dist.year == year) & (dist.indicator == indicator) & (dist.group == "samtliga")])
    return [f"{SURVEY_NAMES.get(r.survey, r.survey)}, fråga {int(r.question)}: "
            f"{_question_text(r.version, r.survey, int(r.question))}" for r in now.itertuples()]


def indicator_slide(results: YearFigures, dist: pd.DataFrame, indicator: int, previous: int | None,
                    national: YearFigures | None, min_n: int = fig.MIN_N) -> Slide:
    year = results.year
    info = ins.indicators()[indicator]
    head = headline(dist, indicator, year, previous, national)
    verdict, detail, classification = verdict_line(results.trend, indicator, previous)
    chart = indicator_chart(dist, indicator, year, head, national, results.forbund)
    facts = slide_facts(dist, indicator, year, previous, min_n)
    full = com.indicator_facts(dist, indicator, year, previous, results.trend)
    notes = [info.text, "", "Mått:", *(f"– {m}" for m in measures_list(dist, indicator, year)), "",
             "Kommentar:", *full]
    if head is not None and head.interval_text:
        notes += ["", "Osäkerhet:", head.interval_text]
    return Slide("indicator", f"Indikator {indicator}: {info.short_name}", info.text, headline=head,
                 verdict=verdict, verdict_detail=detail, classification=classification, chart=chart,
                 facts=facts, notes="\n".join(notes), indicator=indicator)


def has_data(dist: pd.DataFrame, indicator: int, year: int) -> bool:
    return ((dist.year == year) & (dist.indicator == indicator) & (dist.n > 0)).any()


def build_deck(figures: YearFigures, made: dt.date | None = None) -> Deck:
    """The deck from one year's figures (figures.year.year_figures; a förbund's with the national
    figures beside it)."""
    made = made or dt.date.today()
    year, min_n, previous = figures.year, figures.min_n, figures.previous
    dist = figures.dist
    national = figures.national if figures.forbund else None
    before = figures.response(previous) if previous is not None else None
    shown = [i for i in ins.measured_indicators() if has_data(dist, i, year)]
    slides = [title_slide(figures, national, made, min_n),
              summary_slide(figures, previous, before, shown)]
    slides += [indicator_slide(figures, dist, i, previous, national, min_n) for i in shown]
    return Deck(year, figures.forbund, min_n, slides, made)


def deck_from_data(source, year: int, forbund: str | None = None, min_n: int = fig.MIN_N,
                   made: dt.date | None = None) -> Deck:
    """The deck of ``year`` from registration files or a Dataset (figures.year.year_figures, which
    raises DataError, a FinsamError, when the förbund has no answers that year)."""
    return build_deck(year_figures(source, year, forbund, min_n), made)
