"""One förbund's indicator report: its own development over the years, beside the
national level (the Västmanland report, made from the registration files).

:class:`ForbundReport` assembles every section as a :class:`model.Block` (its model is
built once, in order, numbering the tables as it goes: :class:`report.Report`); the notebook
``forbund_report.ipynb`` shows them cell by cell. Its sentences are drafted in
:mod:`prose_forbund`, its tables built in :mod:`forbund_tables`, its fixed text and markup
are in ``templates/report/``. Figures come from
:mod:`figures` (the förbund's own answers, and national aggregates only), with the
stricter small-number rules of :mod:`privacy` on top: nothing resting on fewer
than ``min_n`` answers, and no split or total from which a small group can be
worked out. No other förbund is named or counted.

Its figures come from :func:`figures.year.year_figures` (the one entry point and its cache):
a kernel that makes many förbund reports (``finsam batch``) reads the registration files and
computes the national figures once.

Why one module: it is one report, its sections in the Västmanland report's order, each a
short method over the same figures; what they draw on is already elsewhere (tables and the
förbund's figure helpers in :mod:`forbund_tables`, sentences in :mod:`prose_forbund` and
:mod:`prose`, markup in ``templates/report/``).
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.base import swedish as sv
from finsam_lib.figures import insats as isx
from finsam_lib.figures import method as fig
from finsam_lib.figures import privacy
from finsam_lib.figures import uncertainty as unc
from finsam_lib.figures.year import year_figures
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts, prose
from finsam_lib.present import commentary as com
from finsam_lib.present import forbund_charts as fc
from finsam_lib.present import national_tables as nt
from finsam_lib.present import prose_forbund as pf
from finsam_lib.present import tables as tb
from finsam_lib.present.forbund_tables import (
    answers_sheet,
    compare_with_riket,
    gender_table,
    insats_results_table,
    insats_table,
    insats_units,
    keyfigure_lookups,
    keyfigure_table,
    measures_of,
    question_changed,
    question_label,
    response_rates_table,
    series_start,
    survey_years_table,
)
from finsam_lib.present.model import (
    Block,
    Chart,
    Fixed,
    Group,
    Report,
    Table,
    analyst,
    bullets,
    comment_block,
    heading,
    paragraphs,
    publication_date,
    safe,
    section,
    swedish_date,
)
from finsam_lib.registration.history import note
from finsam_lib.registration.names import safe_filename

YEARS_SHOWN = 5


class Measure(NamedTuple):
    """A measure (one row of :meth:`ForbundReport.measures`) as question_figure reads it."""
    series: str
    survey: str
    question: int
    text: str
    scale: str


def display_name(forbund: str) -> str:
    """'Västmanland' -> 'Samordningsförbundet Västmanland' (names that already say so stay)."""
    return forbund if forbund.casefold().startswith("samordningsförbund") else f"Samordningsförbundet {forbund}"


def report_stem(forbund: str, year: int) -> str:
    """The file name (without suffix) of a förbund's report: safe on every system and in URLs."""
    return f"indikatorrapport-{year}-{safe_filename(forbund)}"


def report_title(forbund: str, year: int) -> str:
    return f"Indikatorrapport {year}: {display_name(forbund)}"


def stylesheet() -> str:
    """The förbund report's additions to the shared report stylesheet."""
    return resources.files("finsam_lib").joinpath("templates/forbund.css").read_text(encoding="utf-8")


# --- The report -------------------------------------------------------------------------------------

class ForbundReport(Report):
    """The indicator report of one förbund and year."""

    def __init__(self, data, forbund: str, year: int, years_shown: int = YEARS_SHOWN,
                 min_n: int = fig.MIN_N, commentary: com.Commentary | None = None,
                 published: dt.date | None = None, history: list | None = None, exclude_invalid: bool = False):
        """``data``: registration files and folders, or a Dataset with ``history`` (a list of
        history.Change); the figures come from figures.year.year_figures, which applies the history."""
        self.f = f = year_figures(data, year, forbund, min_n, exclude_invalid=exclude_invalid, history=history)
        self.forbund, self.data, self.year, self.min_n = f.forbund, f.data, year, min_n
        self.all_years = f.tidy_years
        self.years = f.tidy_years[-max(1, int(years_shown)):]
        self.previous = f.previous
        self.respondents = f.respondents
        self.history_note = note(list(f.history), self.forbund, year, self.years[0])
        self.commentary = commentary or com.Commentary()
        self.published = published or dt.date.today()
        self.name = display_name(self.forbund)
        self.title = report_title(self.forbund, year)
        self.dist, self.samtliga, self.national = f.dist, f.samtliga, f.national.samtliga
        self.version = f.version

    @classmethod
    def from_paths(cls, paths, forbund: str, year: int, years_shown: int = YEARS_SHOWN, min_n: int = fig.MIN_N,
                   commentary: str | Path | None = None, published=None,
                   exclude_invalid: bool = False) -> "ForbundReport":
        """Build the report from registration files (read once while unchanged, figures.year);
        reading errors raise figures.year.DataError with the first problems listed (``exclude_invalid``:
        errors of other förbund leave those förbund out instead, as ``finsam batch`` does)."""
        return cls(paths, forbund, year, years_shown=years_shown, min_n=min_n, commentary=com.load(commentary),
                   published=publication_date(published), exclude_invalid=exclude_invalid)

    # -- figures -------------------------------------------------------------------------------------

    @cached_property
    def response(self) -> pd.DataFrame:
        r = self.f.response()
        units = self.units
        svar_t = units.groupby("survey").svar_med_t.sum(min_count=1)
        r["svar_med_t"] = r.survey.map(svar_t).astype("Int64")
        return r

    @cached_property
    def units(self) -> pd.DataFrame:
        return insats_units(self.f.units)

    @cached_property
    def survey_counts(self) -> pd.DataFrame:
        """Responses per shown year and survey (NaN = not used; 0 = population given, no response)."""
        r = self.respondents[self.respondents.year.isin(self.years)]
        counts = r.groupby(["year", "survey"]).size().unstack("survey").astype(float).reindex(index=self.years)
        pop = self.data.population
        pop = pop[(pop.forbund == self.forbund) & pop.year.isin(self.years)]
        for year, survey in pop[["year", "survey"]].drop_duplicates().itertuples(index=False):
            if survey not in counts.columns:
                counts[survey] = np.nan
            if pd.isna(counts.at[year, survey]):
                counts.at[year, survey] = 0
        return counts.reindex(columns=ins.in_report_order(counts.columns))

    def total_cell(self, year: int | None = None):
        c = self.survey_counts.loc[year or self.year]
        return privacy.total_cell(c.tolist(), self.min_n)

    @property
    def now(self) -> pd.DataFrame:
        return self.f.now

    @property
    def trend(self) -> pd.DataFrame:
        return self.f.trend

    @cached_property
    def riket(self) -> pd.DataFrame:
        return compare_with_riket(self.samtliga, self.national, self.year, sure=self.riket_differences)

    # Look-ups: the report's frames indexed once; sections look values up instead of filtering
    # the whole frame again per question, year and chart.

    @cached_property
    def year_changes(self) -> pd.DataFrame | None:
        """uncertainty.changes of the förbund's samtliga rows, this year against the previous one."""
        c = self.all_changes
        return None if c is None else c[c.group == "samtliga"].reset_index(drop=True)

    @cached_property
    def all_changes(self) -> pd.DataFrame | None:
        """uncertainty.changes of every group (samtliga, kvinnor, män, employers) since the previous
        measurement; None without one."""
        return self.f.all_changes

    @cached_property
    def riket_differences(self) -> pd.DataFrame:
        return self.f.riket_differences

    @cached_property
    def _answered_years(self) -> dict[str, set[int]]:
        """Per series, the years in which the förbund or the country has answers (samtliga)."""
        out: dict[str, set[int]] = {}
        for d in (self.samtliga, self.national):
            d = d[(d.group == "samtliga") & (d.n > 0)]
            for s, y in zip(d.series, d.year):
                out.setdefault(s, set()).add(int(y))
        return out

    def few_surveys(self, year: int | None = None) -> list[str]:
        c = self.survey_counts.loc[year or self.year]
        return [s for s, v in c.items() if privacy.is_small(v, self.min_n)]

    def _next_number(self) -> str:
        """The next table number (handed out in the report's order as the model is built)."""
        return self.numbers.next_table()

    # -- sections ------------------------------------------------------------------------------------

    @section
    def title_page(self) -> Block:
        span = fmt.year_span(self.years[0], self.years[-1])
        total = self.total_cell()
        national_total, national_forbund = self.f.national_totals
        facts = [f"{sv.capitalize(pf.count_phrase(total))} {self.year}",
                 f"Mätperiod november {self.year - 1} – oktober {self.year}",
                 f"Jämförelse med riket: {fmt.number(national_forbund)} förbund, {fmt.number(national_total)} enkäter"
                 + (f" (utan {sv.format_list(self.data.excluded)}: registreringsfilerna har fel)"
                    if self.data.excluded else ""),
                 f"Utveckling {span}" if len(self.years) > 1 else ""]
        return Block(Fixed("forbund_title.html.j2", {"css": safe(stylesheet()), "year": self.year, "name": self.name,
                                                     "facts": [x for x in facts if x],
                                                     "published": swedish_date(self.published)}))

    def _analyst(self, key):
        return analyst(self.commentary.html(key))

    # Sammanfattning

    def summary_facts(self) -> list[str]:
        surveys = [s for s in self.survey_counts.columns if not pd.isna(self.survey_counts.at[self.year, s])]
        return pf.summary(self.name, self.year, surveys, self.total_cell(), self.previous, self._before(),
                             self.few_surveys(), self.riket, self.trend)

    def _before(self):
        """The total cell of the previous measurement (None when there is none)."""
        if self.previous is None or self.previous not in self.survey_counts.index:
            return None
        return self.total_cell(self.previous)

    @section
    def summary(self) -> Block:
        body = heading(1, "Sammanfattning", "sammanfattning", "chapter")
        return body + Block(paragraphs(*self.summary_facts()), self._analyst("sammanfattning"))

    # Om indikatorerna

    @section
    def intro(self) -> Block:
        """Om indikatorerna: fixed text (templates/report/forbund_intro.html.j2 and
        forbund_uncertainty.html.j2) with the förbund's name, groups and years filled in."""
        body = heading(1, "Om indikatorerna", "om-indikatorerna", "chapter")
        surveys = ins.surveys_of(self.version)
        about = Fixed("forbund_intro.html.j2", {
            "name": self.name, "indicators": len(ins.indicators()), "measured": len(ins.measured_indicators()),
            "respondent_groups": sv.count_phrase(len(surveys), sv.RESPONDENTGRUPP),
            "groups": [pf.GROUP_NAMES.get(s, s) for s in surveys], "history_note": self.history_note,
            "span": fmt.year_span(self.years[0], self.years[-1]), "min_n": self.min_n, "too_few": privacy.TOO_FEW})
        method = heading(2, "Hur säkra är siffrorna?", "osakerhet") + Block(Fixed("forbund_uncertainty.html.j2", {}))
        return (body + Block(about, Table(nt.categories_table(), listed=False))
                + method + Block(self._analyst("inledning")))

    # Insamling och svarande

    @section
    def collection(self) -> Block:
        body = heading(1, "Insamling och svarande", "insamling-och-svarande", "chapter")
        y = self.year
        texts = pf.collection(y, self.total_cell(), self.previous, self._before(), self.few_surveys())
        out = body + Block(paragraphs(*texts))
        out += Block(Table(survey_years_table(self.survey_counts, self.min_n, self._next_number())))
        out += heading(2, f"Svarsfrekvens och bortfall {y}", "svarsfrekvens")
        out += Block(Table(response_rates_table(self.response, self.min_n, self._next_number(), y)))
        t3 = insats_table(self.units, self.response, self.min_n, self.numbers.peek_table(), y)
        if t3 is not None:
            self._next_number()
            out += heading(2, f"Svar per insats {y}", "svar-per-insats")
            out += Block(paragraphs("Tabellen visar tillfrågade och svar för varje insats där förbundet angett insats "
                                    "i registreringsfilen."), Table(t3))
        t4 = gender_table(self.response, self.min_n, self.numbers.peek_table(), y)
        if t4 is not None:
            self._next_number()
            out += heading(2, f"Svarande deltagare efter kön {y}", "kon") + Block(Table(t4))
        return out + Block(self._analyst("insamling"), self._analyst("svarande"))

    # Resultat per insats

    @property
    def insats_figures(self) -> pd.DataFrame:
        """insats.insats_figures of this year's answers (figures.year.YearFigures.insats)."""
        return self.f.insats

    @section
    def insats_results(self) -> Block:
        """One table of nyckeltal per insats for each survey split into insatser (nothing when none
        is). Placed after the response section, beside the counts per insats: one table per survey
        covers all its questions, where tables at the end of each indicator would repeat the
        insatser in up to 16 fragments."""
        tables = []
        for survey in ins.in_report_order(self.insats_figures.survey):
            t = insats_results_table(self.insats_figures, survey, self.min_n, self.numbers.peek_table(), self.year)
            if t is not None:
                self._next_number()
                tables.append(t)
        if not tables:
            return Block()
        body = heading(1, f"Resultat per insats {self.year}", "resultat-per-insats", "chapter")
        text = paragraphs(
            "Tabellerna visar nyckeltalet för varje fråga per insats, där insatsen har tillräckligt många svar för att "
            f"redovisas (minst {fmt.number(self.min_n)}). Mindre insatser redovisas tillsammans som "
            f"”{isx.OTHERS}”. Skillnader mellan insatser med få svar bör tolkas försiktigt; intervallen visar hur "
            "osäkra andelarna är.")
        return body + Block(text, *(Table(t) for t in tables))

    # Indicators

    def measures(self, indicator: int) -> pd.DataFrame:
        """forbund_tables.measures_of the report's questionnaire version (read-only: made once per
        report for every indicator)."""
        return self._measures[indicator]

    @cached_property
    def _measures(self) -> dict[int, pd.DataFrame]:
        return {i: measures_of(self.version, i) for i in ins.indicators()}

    def break_note(self, series: str, survey: str) -> str:
        """"Jämförelse saknas eftersom frågan ändrades 2021" when the förbund answered the survey in a
        shown year before the question took its present form."""
        start = series_start(series)
        if not any(v < start for v in self._versions_shown.get(survey, ())):
            return ""
        return pf.break_note(start, changed=question_changed(series, survey))

    @property
    def _versions_shown(self) -> dict[str, set[int]]:
        """The questionnaire versions the förbund answered per survey in the shown years, made once
        for the shown years and respondents it is made of (not a cached_property: ``years`` and
        ``respondents`` may be set after the first call, as test_series_break_is_told does)."""
        made_of = (tuple(self.years), id(self.respondents))
        if getattr(self, "_versions_of", (None,))[0] != made_of:
            r = self.respondents[self.respondents.year.isin(self.years)]
            self._versions_of = (made_of, {s: set(v) for s, v in r.groupby("survey", sort=False)["version"]})
        return self._versions_of[1]

    @cached_property
    def _bar_columns(self) -> dict[str, dict[str, list]]:
        """What the charts draw, every measure's at once: forbund_charts.bar_columns_by_series."""
        return fc.bar_columns_by_series(self.samtliga, self.years)

    @cached_property
    def _keyfigure_lookups(self) -> tuple:
        """keyfigure_table's look-ups (forbund_tables.keyfigure_lookups): the förbund's rows and the
        country's by series and year, the change and the difference from riket by series."""
        return keyfigure_lookups(self.samtliga, self.national, self.year_changes, self.riket_differences)

    @cached_property
    def _shown_now(self) -> dict[int, bool]:
        """Per indicator with samtliga rows this year: whether any of their nyckeltal is shown."""
        now = self.now
        out: dict[int, bool] = {}
        for indicator, group, value in zip(now.indicator.tolist(), now.group.tolist(), now.nyckeltal_pct.tolist()):
            if group == "samtliga":
                out[int(indicator)] = out.get(int(indicator), False) or not pd.isna(value)
        return out

    def question_figure(self, m) -> Chart | None:
        """The stacked bars of one question, or the reason there are none; None when the förbund never
        answered it in the shown years."""
        rows = self._bar_columns.get(m.series)
        if rows is None:
            return None
        who = f"({m.survey}, fråga {m.question})"
        caption = (m.text, who)
        note = self.break_note(m.series, m.survey)
        anchor = f"fraga-{safe_filename(m.survey).lower()}-{m.question}"
        if all(rows["suppressed"]):
            return Chart("bars", anchor, "chart bars too-few", caption=caption, note=note,
                         message=f"{fc.FEW_ANSWERS}.")
        svg = fc.stacked_bars_svg(rows, m.scale, label=f"{m.text} {who}")
        return Chart("bars", anchor, "chart bars", safe(svg), caption=caption, note=note)

    @cached_property
    def _nyckeltal_lines(self) -> tuple[dict, dict]:
        """The trend charts' look-ups: forbund_charts.nyckeltal_lines of the förbund and of the country."""
        return fc.nyckeltal_lines(self.samtliga, self.years), fc.nyckeltal_lines(self.national, self.years)

    def trend_chart(self, indicator: int, measures: pd.DataFrame) -> Chart | None:
        mine = self._nyckeltal_lines[0]
        shown = {s: [y for y, v in mine.get(s, {}).items() if not pd.isna(v)] for s in set(measures.series)}
        have = {y for ys in shown.values() for y in ys}
        if len(have) < 2:
            return None
        several = len(measures) > 1
        series = [(s, charts.SURVEY_SHORT.get(survey, survey) + f" F{question}" if several else "")
                  for s, survey, question in zip(measures.series, measures.survey, measures.question) if shown[s]]
        years = [y for y in self.years if min(have) <= y <= max(have)]
        points = fc.trend_points(self.samtliga, self.national, series, years, lines=self._nyckeltal_lines)
        svg = fc.trend_svg(points, years, label=f"Indikator {indicator}: nyckeltal, förbundet och riket",
                           plot_height=135)
        caption = (f"Nyckeltal {fmt.year_span(years[0], years[-1])}: förbundet (heldragen linje) och "
                   "riket (streckad linje).") + self.trend_break_note(measures)
        return Chart("trend", f"trend-{indicator}", "chart trend", safe(svg), caption=caption)

    def trend_break_note(self, measures: pd.DataFrame) -> str:
        """" Frågan ändrades 2021; jämförelse med tidigare år görs inte." when a measure's question changed
        after a year the report shows and the förbund answered the survey then: the chart starts with
        the present question (figures.series_segments), no line joins the old one."""
        changed = sorted({series_start(s) for s, survey in zip(measures.series, measures.survey)
                          if "ändrades" in self.break_note(s, survey)})
        return pf.trend_break(changed, len(measures))

    def table_years(self, measures: pd.DataFrame) -> list[int]:
        """The shown years in which the förbund or the country has answers to any of these measures."""
        have = set().union(*(self._answered_years.get(s, set()) for s in measures.series))
        return [y for y in self.years if y in have] or [self.year]

    def indicator_facts(self, indicator: int, measures: pd.DataFrame) -> list[str]:
        shown = self._shown_now.get(indicator)
        if shown is None:
            return [f"Förbundet har inga svar på indikatorns frågor {self.year}."]
        if not shown:
            return [f"{fc.FEW_ANSWERS} {self.year}: indikatorns frågor har färre än {self.min_n} svar."]
        out = list(self._comments.get(indicator, []))
        if self.previous is not None and indicator not in self._compared_indicators:
            out.append(f"Indikatorns frågor har inga jämförbara redovisade svar från mätningen {self.previous}.")
        return out

    @cached_property
    def _comments(self) -> dict[int, list[str]]:
        """prose.indicator_comments of every indicator, drafted once."""
        return prose.indicator_comments(self.dist, self.year, self.previous, self.trend, changes=self.all_changes,
                                        riket=self.riket, previous_name=f"jämfört med mätningen {self.previous}")

    @cached_property
    def _compared_indicators(self) -> set[int]:
        """The indicators with a samtliga change since the previous measurement (none without one)."""
        c = self.all_changes
        return set() if c is None else {int(i) for i in c.indicator[c.group == "samtliga"]}

    @section
    def indicator(self, indicator: int) -> Block | None:
        """The indicator's section; None when the förbund has no answers to any of its questions
        in the shown years (:meth:`indicators` lists those in one place)."""
        info = ins.indicators()[indicator]
        anchor = f"indikator-{indicator}"
        first = indicator == min(ins.indicators())
        head = heading(2, f"Indikator {indicator}: {info.short_name}", anchor,
                       "indicator first" if first else "indicator")
        lead = paragraphs(info.text, cls="indicator-text")
        if indicator not in ins.measured_indicators():
            return head + Block(lead, paragraphs("Rekommenderat mått: registerstudie (under utveckling nationellt).",
                                                 com.not_measured_text(indicator)), self._analyst(indicator))
        if not self.answered(indicator):
            return None
        measures = self.measures(indicator)
        figures, unanswered, drawn = [], [], []
        for m in self._measure_rows(indicator):
            f = self.question_figure(m)
            drawn.append(bool(f))
            if f:
                figures.append(f)
            else:
                unanswered.append(question_label(m.text, m.survey, m.question))
        span = fmt.year_span(self.years[0], self.years[-1])
        answered = measures if all(drawn) else measures[drawn]
        table = Table(keyfigure_table(self.samtliga, self.national, answered,
                                               self.table_years(answered), self.year, self._next_number(),
                                               indicator, self.min_n, self.previous, changes=self.year_changes,
                                               vs_riket=self.riket_differences, lookups=self._keyfigure_lookups))
        missing = None
        if unanswered:
            missing = Group("measures", (paragraphs(f"Frågor utan svar från förbundet {span}:", cls="measures-title"),
                                         bullets(unanswered)))
        facts = self.indicator_facts(indicator, answered)
        comment = comment_block(anchor, facts, self.commentary.html(indicator))
        return head + Block(lead, *figures, missing, table, self.trend_chart(indicator, answered), comment)

    def _measure_rows(self, indicator: int) -> list[Measure]:
        """The indicator's measures (:meth:`measures`) as records, for question_figure."""
        m = self.measures(indicator)
        return [Measure(*values) for values in zip(*(m[c].tolist() for c in Measure._fields))]

    def answered(self, indicator: int) -> bool:
        """Whether the förbund has answers (shown or too few to show) to any of the indicator's
        questions in the shown years."""
        return indicator in self._answered

    @cached_property
    def _answered(self) -> set[int]:
        """The measured indicators with bars (:attr:`_bar_columns`) for some question, found once."""
        bars = self._bar_columns
        return {i for i in ins.measured_indicators() if any(s in bars for s in self.measures(i).series)}

    @section
    def unanswered_indicators(self) -> Block:
        """One short list of the measured indicators without answers (an empty Block if none)."""
        indicators = [i for i in ins.measured_indicators() if not self.answered(i)]
        if not indicators:
            return Block()
        span = fmt.year_span(self.years[0], self.years[-1])
        names = [f"Indikator {i}: {ins.indicators()[i].short_name}" for i in indicators]
        lead = pf.unanswered_lead(span, len(names))
        notes = [self._analyst(i) for i in indicators]
        return (heading(2, "Indikatorer utan svar", "indikatorer-utan-svar", "indicator")
                + Block(paragraphs(lead), bullets(names), *notes))

    # Utveckling och bilaga

    @section
    def development(self) -> Block:
        if self.previous is None or self.trend.empty:
            return Block()
        body = heading(1, f"Sammanvägd utveckling {self.year} jämfört med {self.previous}", "sammanvagd-utveckling",
                       "chapter")
        text = Fixed("forbund_development.html.j2", {"year": self.year, "previous": self.previous,
                                                     "no_sure_change": unc.NO_SURE_CHANGE.lower()})
        table = nt.development_table(self.trend, self.year, self.previous, number=self._next_number(),
                                     show_chance=True)
        filled = {c.key for c in table.columns if table.rows.get(c.key) is not None and table.rows[c.key].notna().any()}
        table.columns = [c for c in table.columns if c.key in filled]
        table.excel_columns = [c for c in table.excel_columns if c.key.split("_")[0] in filled or c.key == "text"]
        return body + Block(text, Table(table), self._analyst("avslutande diskussion"))

    def cells(self) -> list[tuple]:
        return [("title_page",), ("toc",), ("summary",), ("intro",), ("collection",), ("insats_results",),
                *(("indicator", i) for i in ins.indicators()), ("unanswered_indicators",), ("development",)]

    # -- Excel ---------------------------------------------------------------------------------------

    def extra_tables(self) -> list[tb.ReportTable]:
        """The answer scales, after the report's own tables (the resultatfil's last table sheet)."""
        return [nt.scales_table()]

    def about(self) -> dict:
        return {"Rapport": self.title, "Samordningsförbund": self.forbund, "Mätår": self.year,
                "År som visas": fmt.year_span(self.years[0], self.years[-1])}

    def data_sheets(self) -> dict:
        return {"Svarsfördelning": answers_sheet(self.samtliga, self.national, self.years)}
