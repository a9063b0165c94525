"""The meeting deck's content as data: a title slide, a summary slide and one slide per
measured indicator, built from :class:`year.YearFigures` (nationally, or for one förbund with
the national figures beside it).

Nothing here draws or writes files except :func:`chart_figure`, the one bridge to
:mod:`charts` that both writers (``slides_pptx``, ``slides_html``) use. Every shown
percentage has passed minimum-n suppression; a suppressed figure is shown as
:data:`TOO_FEW` instead.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.base import swedish as sv
from finsam_lib.figures import method as fig
from finsam_lib.figures import privacy
from finsam_lib.figures import uncertainty as unc
from finsam_lib.figures.year import YearFigures, year_figures
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts
from finsam_lib.present import commentary as com
from finsam_lib.present import tables as tb
from finsam_lib.present.report import swedish_date
from finsam_lib.registration.names import safe_filename

TOO_FEW = privacy.TOO_FEW.capitalize()
FACT_CHARS = 210  # a drafted fact longer than this is too long for a slide
FACT_BUDGET = 400  # characters of facts one slide holds (three facts only when short)
FACT_COUNT = 3
REFERENCE = "Riket"
# Survey names as the deck shows them (table rows, measure labels).
SURVEY_NAMES = {s: s for s in ins.SURVEYS}
NO_COMPARISON = "Ingen jämförelse"
VERDICT_SIGNS = {ins.INCREASE: "▲", ins.DECREASE: "▼", ins.NEITHER: "●", unc.NO_SURE_CHANGE: "●",
                 NO_COMPARISON: "–"}


# --- The deck as data ---------------------------------------------------------------------------

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


# --- Building ------------------------------------------------------------------------------------

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
    surveys = [s for s in ins.REPORT_ORDER if s in now_n.index or s in before_n.index]
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
    raises DataError, a ValueError, when the förbund has no answers that year)."""
    return build_deck(year_figures(source, year, forbund, min_n), made)


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
