"""The national report's content: every figure, table, chart and sentence the
notebook shows, assembled once.

The figures come from :func:`figures.year.year_figures` (the one entry point);
``NationalReport`` turns them into numbered tables, titled charts and
drafted commentary, section by section. Each section method returns a
:class:`model.Block` (parts that a notebook displays through the templates), so a notebook
cell is one call. ``Report.model`` builds every section once, in order (``cells``), and
numbers tables and diagrams as it goes; a section method decorated with :func:`section`
returns the built section, whichever cell runs first. A new chapter is a ``@section``
method and an entry in ``cells``.
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from importlib import resources
from pathlib import Path

import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.base import swedish as sv
from finsam_lib.figures import method as fig
from finsam_lib.figures.year import year_figures
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts, prose
from finsam_lib.present import commentary as com
from finsam_lib.present import national_tables as nt
from finsam_lib.present import prose_national as pn
from finsam_lib.present import tables as tb
from finsam_lib.present.model import (
    Block,
    Chart,
    Fixed,
    Group,
    Paragraphs,
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


def prose_paragraphs(drafted, cls: str = "") -> Paragraphs:
    """Drafted paragraphs (present.prose: each a string or a list of sentences) as one part."""
    return paragraphs(*(p if isinstance(p, str) else " ".join(p) for p in drafted), cls=cls)


def nationally_default() -> dict[int, int]:
    """Förbund in Sweden per year, as the national reports give them (Tabell 21)."""
    with resources.files("finsam_lib.data").joinpath("published/nns_totals_by_year.csv").open(encoding="utf-8") as f:
        t = pd.read_csv(f)
    return {int(y): int(n) for y, n in zip(t.year, t.forbund_nationellt)}


class NationalReport(Report):
    """The national indicator report of one year (the 2022 edition's structure and wording)."""

    title = "Nationell indikatorrapport"

    def __init__(self, data, year: int, min_n: int = fig.MIN_N,
                 commentary: com.Commentary | None = None, nationally: dict[int, int] | None = None,
                 published: dt.date | None = None, exclude_invalid: bool = False):
        """``data``: registration files and folders, or a Dataset (figures.year.year_figures)."""
        self.f = year_figures(data, year, min_n=min_n, exclude_invalid=exclude_invalid)
        self.year, self.min_n = year, min_n
        self.previous = self.f.previous
        self.commentary = commentary or com.Commentary()
        self.nationally = nationally_default() if nationally is None else nationally
        self.published = published or dt.date.today()

    @classmethod
    def from_paths(cls, paths, year: int, min_n: int = fig.MIN_N, commentary: str | Path | None = None,
                   **kwargs) -> "NationalReport":
        """Build the report from registration files (files or folders; read once while unchanged,
        figures.year); reading errors raise figures.year.DataError with the first problems listed."""
        published = publication_date(kwargs.pop("published", None))
        return cls(paths, year, min_n=min_n, commentary=com.load(commentary), published=published, **kwargs)

    # -- numbering ---------------------------------------------------------------------------------

    @staticmethod
    def table_base(indicator: int) -> int:
        """Indicator tables are numbered from 5 in indicator order (Tabell 5.1 = indicator 1)."""
        return 4 + ins.measured_indicators().index(indicator) + 1

    def _chart_groups(self, indicator: int) -> list[set[str]]:
        """Which keys share a chart: ja/nej measures get their own chart next to the others
        when both are measures of this year."""
        now = self.f.now[self.f.now.indicator == indicator]
        keys = set(now.key)
        if "ja" in keys and len(keys) > 1:
            return [{"ja"}, keys - {"ja"}]
        all_keys = set(self.f.dist.loc[self.f.dist.indicator == indicator, "key"])
        return [all_keys] if all_keys else []

    def _diagram_numbers(self, indicator: int) -> dict[frozenset, str]:
        """The numbers of the indicator's line charts (keys -> "3" or "3.1", "3.2"), handed out
        from the report's counter as the model is built: one number per indicator with a chart,
        sub-numbers when its ja/nej measures have a chart of their own."""
        if not fig.trend_chart_wanted(self.f.dist, indicator, self.year):
            return {}
        groups = [g for g in self._chart_groups(indicator) if self._chart_points(indicator, g) is not None]
        if not groups:
            return {}
        k = self.numbers.next_diagram()
        return {frozenset(g): f"{k}.{j}" if len(groups) > 1 else str(k) for j, g in enumerate(groups, 1)}

    def _chart_points(self, indicator: int, keys: set[str]):
        """The points of one chart, or None with fewer than two years; computed once per chart
        (the diagrams' numbering asks first, the chart itself next)."""
        key = (indicator, frozenset(keys))
        if key not in self._points:
            points = charts.indicator_points(self.f.dist, indicator, keys)
            self._points[key] = None if points.empty or points.dropna(subset=["value"]).year.nunique() < 2 else points
        return self._points[key]

    @cached_property
    def _points(self) -> dict:
        return {}

    # -- sections ----------------------------------------------------------------------------------

    @cached_property
    def response(self) -> pd.DataFrame:
        return self.f.response()

    @section
    def title_page(self) -> Block:
        enkater, forbund = pn.counts(self.response)
        national = self.nationally.get(self.year)
        of = f" av landets {fmt.number(national)}" if national else ""
        facts = [f"{fmt.number(forbund)} samordningsförbund{of}", f"{fmt.number(enkater)} enkäter",
                 f"Mätperiod november {self.year - 1} – oktober {self.year}"]
        if self.excluded:
            facts.append(self.excluded_text())
        return Block(Fixed("national_title.html.j2", {"title": f"{self.title} {self.year}", "facts": facts,
                                                      "published": swedish_date(self.published)}))

    # Sammanfattning

    def summary_facts(self) -> dict[str, str]:
        """The facts the summary is built from, each one sentence (prose_national.summary_facts)."""
        return pn.summary_facts(self.f, self.nationally.get(self.year), self.gender)

    def in_brief(self) -> list[str]:
        """Resultat i korthet: short bullets from the figures (prose_national.in_brief)."""
        return pn.in_brief(self.f)

    @section
    def summary(self) -> Block:
        facts = self.summary_facts()
        body = heading(1, "Sammanfattning", "sammanfattning", "chapter")
        text = paragraphs(*facts.values())
        own = self.commentary.html("sammanfattning")
        caveat = Fixed("national_caveat.html.j2", {})
        brief = heading(2, "Resultat i korthet", "resultat-i-korthet")
        return (body + Block(text, analyst(own), caveat)
                + brief + Block(Group("in-brief", (bullets(self.in_brief()),))))

    # Insamling av data

    @section
    def collection(self) -> Block:
        y, prev = self.year, self.previous
        body = heading(1, "Insamling av data", "insamling-av-data", "chapter")
        texts = [f"Insamling av data till denna rapport har skett under perioden november {y - 1} till "
                 f"oktober {y}. Vilka indikatorer och verksamheter som ingått i den lokala insamlingen kan "
                 "skilja sig åt mellan förbunden. I bilaga 1 redogörs för de förbund som deltagit i årets "
                 "datainsamling."]
        resp = self.f.respondents
        now_f = set(resp.loc[resp.year == y, "forbund"])
        if prev is not None:
            before_f = set(resp.loc[resp.year == prev, "forbund"])
            new, gone = len(now_f - before_f), len(before_f - now_f)
            came = (f"Under {y} tillkom {sv.count_phrase(new, sv.FORBUND)} i arbetet med att samla in material."
                    if new else f"Under {y} tillkom inga nya förbund i arbetet med att samla in material.")
            went = (f"Samtidigt har {sv.count_phrase(gone, sv.FORBUND)} som ingick i {prev} års mätning inte "
                    "ingått i årets insamling." if gone else
                    f"Alla förbund som ingick i {prev} års mätning har också ingått i årets insamling.")
            texts.append(f"{came} {went} Antalet medverkande förbund är {sv.number_word(len(now_f), sv.ETT)}, "
                         f"jämfört med {sv.number_word(len(before_f), sv.ETT)} året innan.")
        counts = self.f.forbund_counts
        surveys = [s for s in ins.surveys_of(self.f.version) if s != "Förbundschef"]
        if len(counts):
            used = counts.reindex(columns=surveys).notna()
            every = int(used.all(axis=1).sum())
            deltagare = int(used[[s for s in surveys if s.startswith("Deltagare")]].any(axis=1).sum())
            texts.append(f"Av de deltagande förbunden har {fmt.percent(fig.percent(every, len(counts)))} "
                         f"({sv.count_phrase(every, sv.FORBUND)}) använt samtliga enkättyper med frågor till alla "
                         f"respondentgrupper. " + ("Samtliga förbund som deltar har samlat in data från deltagare."
                                                   if deltagare == len(counts) else
                                                   sv.tally(len(counts), [(deltagare, "har samlat in data från "
                                                                           "deltagare")], sv.FORBUND)))
        own = self.commentary.html("insamling")
        table = Table(nt.table_1(self.response, y))
        return body + Block(paragraphs(*texts), analyst(own), table)

    # Metod

    @section
    def method(self) -> Block:
        body = heading(1, "Metod för sammanställning av indikatorerna", "metod", "chapter")
        texts = Fixed("national_method.html.j2", {"measured": len(ins.measured_indicators()),
                                                  "indicators": len(ins.indicators())})
        analysis = heading(2, "Analysmetod och redovisning av data", "analysmetod")
        return (body + Block(texts, Table(nt.categories_table(), listed=False)) + analysis
                + Block(prose_paragraphs(prose.analysis_method(self.min_n))))

    # Resultat: svarande och bortfall

    @section
    def response_section(self) -> Block:
        body = heading(1, "Resultat", "resultat", "chapter")
        intro = Fixed("national_results.html.j2", {})
        sub = heading(2, "Svarande och bortfall", "svarande-och-bortfall")
        texts = Fixed("national_nonresponse.html.j2", {})
        table2 = Table(nt.table_2(self.response))
        after = []
        r = self.response.set_index("survey")
        for survey, word in (("Deltagare pågående", "pågåendeenkäten"), ("Deltagare avslut", "avslutsenkäten")):
            if survey in r.index and r.at[survey, "antal_svar"]:
                n = r.at[survey, "antal_svar"]
                k, m, e = (fig.percent(r.at[survey, c], n) for c in ("kvinnor", "man", "ej_uppgett_kon"))
                after.append(f"I {word} har {fmt.percent(k)} uppgett sig vara kvinnor och {fmt.percent(m)} män; "
                             f"{fmt.percent(e)} har inte angett kön.")
        pair = [Table(nt.gender_table(self.response, survey, number))
                for survey, number in (("Deltagare pågående", "3"), ("Deltagare avslut", "4")) if survey in r.index]
        gender = Block(Group("side-by-side", tuple(pair)) if pair else None)
        missing = self.f.internal_missing()
        miss_text = None
        if len(missing):
            under = int((missing.missing_pct < 5).sum())
            top = missing.sort_values("missing_pct", kind="stable").iloc[-1]
            miss_text = paragraphs(
                f"Det interna bortfallet, det vill säga andelen svarande som lämnat en fråga obesvarad, är under "
                f"5 % för {sv.of_phrase(under, len(missing), sv.FRAGA)}. Störst är det för "
                f"{com.measure_phrase(top.survey, int(top.question))} ({fmt.percent(top.missing_pct)}). "
                "Frågorna 9 och 10 i avslutsenkäten, som bara besvaras efter ja på fråga 8, räknas inte här.")
        own = self.commentary.html("svarande")
        return (body + Block(intro) + sub
                + Block(texts, table2, paragraphs(*after)) + gender
                + Block(miss_text, analyst(own)))

    # Indicators

    def measures(self, indicator: int) -> Group:
        """The indicator's measures this year, then earlier measures with data that are not followed today."""
        q = ins.questions()
        now = q[(q.version == self.f.version) & (q.indicator == indicator)]
        now = now.assign(_s=now.survey.map(nt._survey_rank)).sort_values(["_s", "question"])
        items = [nt.measure_text(r.text, r.survey, r.question) for r in now.itertuples()]
        out = [paragraphs("Mått:", cls="measures-title"), bullets(items)]
        # Earlier measures with data in the report's years that are not followed today.
        current = set(now.series)
        d = self.f.dist[(self.f.dist.indicator == indicator) & ~self.f.dist.series.isin(current)
                        & (self.f.dist.n > 0)]
        if len(d):
            last = int(d.year.max())
            old = d.drop_duplicates("series").merge(
                q[["version", "series", "text"]].drop_duplicates("series"), on="series", how="left")
            items = [nt.measure_text(r.text, r.survey, r.question) for r in old.itertuples()]
            out += [paragraphs(f"Tidigare mått ({last} och tidigare):", cls="measures-title"), bullets(items)]
        return Group("measures", tuple(out))

    def indicator_tables(self, indicator: int) -> list[tb.ReportTable]:
        base = self.table_base(indicator)
        now = self.f.now[self.f.now.indicator == indicator]
        out, k = [], 1
        for yes_no in (True, False):
            if ((now.scale == "III") == yes_no).any():
                out.append(nt.distribution_table(self.f.now, indicator, f"{base}.{k}", yes_no, self.min_n))
                k += 1
        if len(now):
            out.append(nt.keyfigure_table(self.f.dist, indicator, self.year, f"{base}.{k}", min_n=self.min_n))
        return out

    def chart_title(self, indicator: int, number: str, keys: set[str], span: str) -> str:
        """The diagram's title (prose_national.chart_title) with this year's ja/nej questions quoted."""
        yes_no = None
        if keys == {"ja"}:
            rows = self.f.now[(self.f.now.indicator == indicator) & (self.f.now.key == "ja")].drop_duplicates("series")
            texts = ins.version_questions(ins.default_version(self.year)).set_index("series").text
            yes_no = [(r.question, r.survey, texts.get(r.series, "")) for r in rows.itertuples()]
        return pn.chart_title(number, indicator, ins.indicators()[indicator].short_name, span,
                                 nt.keyfigure_label(keys - {"ja"} or keys), yes_no)

    def indicator_charts(self, indicator: int) -> list[Chart]:
        """The indicator's line charts, numbered now (call once per indicator, in the report's order)."""
        out, numbers = [], self._diagram_numbers(indicator)
        for keys in self._chart_groups(indicator):
            number = numbers.get(frozenset(keys))
            points = self._chart_points(indicator, keys)
            if number is None or points is None:
                continue
            years = [y for y in self.f.tidy_years if y <= self.year]
            shown = points.dropna(subset=["value"])
            years = [y for y in years if shown.year.min() <= y <= shown.year.max()]
            title = self.chart_title(indicator, number, keys, fmt.year_span(years[0], years[-1]))
            figure = charts.line_chart(points, title=title, years=years, salt=f"d{number}")
            svg = charts.with_alt(charts.to_svg(figure), f"{title} {charts.lines_text(points, years)}")
            out.append(Chart("line", f"diagram-{number.replace('.', '-')}", "chart", safe(svg), title,
                             note=pn.chart_note(points, years)))
        return out

    @section
    def indicator(self, indicator: int) -> Block:
        info = ins.indicators()[indicator]
        anchor = f"indikator-{indicator}"
        head = heading(2, f"Indikator {indicator}: {info.short_name}", anchor, "indicator")
        lead = paragraphs(info.text, cls="indicator-text")
        if indicator not in ins.measured_indicators():
            return head + Block(lead, paragraphs(com.not_measured_text(indicator)))
        now = self.f.now[self.f.now.indicator == indicator]
        if now.empty:
            return head + Block(lead, self.measures(indicator),
                                paragraphs(f"Indikatorns frågor har inga svar {self.year}."))
        tables = [Table(t) for t in self.indicator_tables(indicator)]
        comment = comment_block(anchor, self._comments.get(indicator, []), self.commentary.html(indicator))
        # The 2022 report's order: tables, the comment, then the chart.
        return head + Block(lead, self.measures(indicator), *tables, comment,
                            *(self.indicator_charts(indicator) or [self.no_chart_text(indicator)]))

    def no_chart_text(self, indicator: int):
        """Why an indicator has no line chart when all its questions are new (the 2022 report's note 8);
        None when it has one or none is wanted."""
        h = fig.comparable_history(self.f.dist, indicator, self.year)
        if h.empty or fig.trend_chart_wanted(self.f.dist, indicator, self.year):
            return None
        since = int(h["since"].max())
        return Fixed("national_no_chart.html.j2", {"since": since})

    def indicators(self) -> Block:
        out = Block()
        for i in ins.indicators():
            out += self.indicator(i)
        return out

    # Avslutande diskussion

    @cached_property
    def levels(self) -> prose.Levels:
        """The indicators at or above 74 % and under 50 % ("Resultat utifrån indikatorerna")."""
        return prose.indicator_levels(self.f.now)

    @cached_property
    def _comments(self) -> dict[int, list[str]]:
        """prose.indicator_comments of every indicator, drafted once."""
        return prose.indicator_comments(self.f.dist, self.year, self.previous, self.f.trend, levels=self.levels,
                                        changes=self.f.all_changes, gender=self.gender, employer=self.employer)

    @cached_property
    def gender(self) -> pd.DataFrame:
        """Kvinnor against män per measure this year, beyond chance or not (prose.gender_differences)."""
        return prose.gender_differences(self.f.now, self.year)

    @cached_property
    def employer(self) -> pd.DataFrame:
        """Each employer group against the other remittenter this year (prose.employer_differences)."""
        return prose.employer_differences(self.f.now, self.year)

    @section
    def discussion(self) -> Block:
        body = heading(1, "Avslutande diskussion", "avslutande-diskussion", "chapter")
        questions = heading(2, "Resultat utifrån enkätfrågorna", "resultat-utifran-enkatfragorna")
        questions += Block(prose_paragraphs(prose.questions_chapter(self.f.now, self.year, self.gender,
                                                                    self.employer)))
        sub = heading(2, "Resultat utifrån indikatorerna", "resultat-utifran-indikatorerna")
        bars = charts.answered_bars(self.f.now)
        intro, figure = None, None
        if len(bars.dropna(subset=["value"])):
            number = str(self.numbers.next_diagram())
            title = (f"Diagram {number} Andelen deltagare vid avslut vars svar ingår i nyckeltalet för respektive "
                     f"indikator, {self.year}.")
            svg = charts.with_alt(charts.to_svg(charts.bar_chart(bars, title=title, salt=f"d{number}")),
                                  f"{title} {charts.bars_text(bars)}")
            note = ("Nyckeltalet är andelen klart positiva svar, för indikator 7 andelen positiva svar och för "
                    "fråga 8 andelen ja-svar.")
            shown = bars.dropna(subset=["value"]).sort_values("value", kind="stable")
            hi, lo = shown.iloc[-1], shown.iloc[0]
            intro = paragraphs(
                f"Bland deltagare vid avslut är nyckeltalet högst för indikator {int(hi.indicator)} "
                f"(fråga {int(hi.question)}, {fmt.percent(hi.value)}) och lägst för indikator {int(lo.indicator)} "
                f"(fråga {int(lo.question)}, {fmt.percent(lo.value)}).")
            figure = Chart("line", f"diagram-{number}", "chart", safe(svg), title, note=note)
        # The 2022 report's order: the high list, the chart, then the lower lists (prose.level_lists).
        content = [intro]
        for i, listed in enumerate(prose.level_lists(self.levels)):
            content.append(paragraphs(listed.lead, cls="list-lead"))
            if listed.items:
                content.append(Group("indicator-list", (bullets(listed.items),)))
            if i == 0:
                content.append(figure)
        content.append(analyst(self.commentary.html("avslutande diskussion")))
        return body + questions + sub + Block(*content)

    @section
    def development(self) -> Block:
        if self.previous is None:
            return Block()
        body = heading(2, f"Sammanvägd utveckling per indikator {self.year} jämfört med {self.previous}",
                       "sammanvagd-utveckling")
        text = Fixed("national_development.html.j2", {"year": self.year, "previous": self.previous})
        table = Table(nt.development_table(self.f.trend, self.year, self.previous))
        t = self.f.trend
        after = []
        totalt = t[t.group == "totalt"]
        if len(totalt):
            up = int((totalt.classification == ins.INCREASE).sum())
            down = int((totalt.classification == ins.DECREASE).sum())
            after.append(com.development_tally(len(totalt), up, down, after=f" jämfört med {self.previous}"))
        for g, word in (("kvinnor", "kvinnornas"), ("män", "männens")):
            s = t[t.group == g]
            if len(s):
                counts = s.classification.value_counts()
                after.append(com.development_tally(len(s), counts.get(ins.INCREASE, 0), counts.get(ins.DECREASE, 0),
                                                   after=f" i {word} svar"))
        return body + Block(text, table, paragraphs(*after))

    @section
    def totals(self) -> Block:
        years = self.f.totals
        first, last = int(years.year.min()), int(years.year.max())
        body = heading(2, f"Kommentar kring utvecklingen på nationell nivå {fmt.year_span(first, last)}",
                       "utveckling-nationellt")
        total = int(years.enkater.sum())
        text = paragraphs(f"Totalt har {fmt.number(total)} enkäter samlats in under perioden "
                          f"{fmt.year_span(first, last)}, i genomsnitt {fmt.number(total / len(years))} per år.")
        comment = prose.development_comment(self.f.dist, self.year, first)
        return body + Block(text, Table(nt.totals_table(years, self.nationally)), prose_paragraphs(comment))

    # Bilagor

    @property
    def excluded(self) -> list[str]:
        """Förbund left out of this report because their registration files have errors."""
        return list(self.f.data.excluded)

    def excluded_text(self) -> str:
        names = self.excluded
        return (f"Utan {sv.format_list(names)}: {'förbundets' if len(names) == 1 else 'förbundens'} "
                "registreringsfiler har fel och ingår inte i rapporten.")

    @section
    def appendix_forbund(self) -> Block:
        counts = self.f.forbund_counts
        body = heading(1, "Bilaga 1: Förteckning deltagande samordningsförbund", "bilaga-1", "chapter")
        text = paragraphs(
            f"Totalt {sv.count_phrase(len(counts), sv.SAMORDNINGSFORBUND)} har deltagit i insamlingen av "
            f"indikatorenkäter {self.year}. Tabellen redovisar antal insamlade enkäter per respondentgrupp. "
            "Anledningen till att ett förbund använt endast några av enkättyperna kan variera.",
            self.excluded_text() if self.excluded else "")
        return body + Block(text, Table(nt.appendix_1(counts, self.year)))

    @section
    def appendix_indicators(self) -> Block:
        body = heading(1, "Bilaga 2: Indikatorerna och måtten kopplade till dem", "bilaga-2", "chapter")
        q = ins.version_questions(self.f.version)
        per = q.groupby("survey").size()
        parts = [f"{s.lower()} ({sv.count_phrase(per[s], sv.FRAGA)})" for s in ins.SURVEYS if s in per.index]
        text = paragraphs(
            "Tabellen visar de 16 indikatorerna och de mått som är kopplade till varje indikator. Måtten är "
            f"frågor till en särskild respondentgrupp: {sv.format_list(parts)}, totalt "
            f"{sv.count_phrase(len(q), sv.MATT)}. För "
            "deltagarenkäterna samlas bakgrundsvariabeln kön in och för remittenter var den svarande är anställd.")
        return body + Block(text, Table(nt.appendix_2(self.f.version)), Table(nt.scales_table()))

    # -- all of it ---------------------------------------------------------------------------------

    def cells(self) -> list[tuple]:
        return [("title_page",), ("toc",), ("summary",), ("collection",), ("method",), ("response_section",),
                *(("indicator", i) for i in ins.indicators()), ("discussion",), ("development",), ("totals",),
                ("appendix_forbund",), ("appendix_indicators",)]

    def about(self) -> dict:
        return {"Rapport": f"{self.title} {self.year}", "Mätår": self.year}

    def data_sheets(self) -> dict:
        sheets = {"Nyckeltal alla år": nt.keyfigures_sheet(self.f.dist)}
        if self.f.previous is not None:
            sheets["Förändring med intervall"] = nt.changes_sheet(self.f.changes)
        return sheets
