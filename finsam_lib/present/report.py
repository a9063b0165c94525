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
import functools
from functools import cached_property
from importlib import resources
from pathlib import Path

import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.base import swedish as sv
from finsam_lib.figures import method as fig
from finsam_lib.figures import uncertainty as unc
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
    Numbering,
    Paragraphs,
    ReportModel,
    Table,
    analyst,
    bullets,
    comment_block,
    heading,
    paragraphs,
    safe,
)


def prose_paragraphs(drafted, cls: str = "") -> Paragraphs:
    """Drafted paragraphs (present.prose: each a string or a list of sentences) as one part."""
    return paragraphs(*(p if isinstance(p, str) else " ".join(p) for p in drafted), cls=cls)


def swedish_date(day: dt.date) -> str:
    """``30 november 2026`` (see :func:`format.long_date`)."""
    return fmt.long_date(day)


def nationally_default() -> dict[int, int]:
    """Förbund in Sweden per year, as the national reports give them (Tabell 21)."""
    with resources.files("finsam_lib.data").joinpath("published/nns_totals_by_year.csv").open(encoding="utf-8") as f:
        t = pd.read_csv(f)
    return {int(y): int(n) for y, n in zip(t.year, t.forbund_nationellt)}


def publication_date(value) -> dt.date | None:
    """A notebook parameter ('2023-02-01', a date or None) as a date."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# --- The national report --------------------------------------------------------------------------

def section(method):
    """A report section (one notebook cell): built once, in the report's order, by
    :attr:`Report.model`, which numbers tables and diagrams as it goes; called again (from the
    notebook) it returns the section already built, so its numbers do not depend on which
    cells ran before."""
    @functools.wraps(method)
    def built(self, *args):
        key = (method.__name__, *args)
        if not self._building:
            sections = self.model.sections
            if key in sections:
                return sections[key]
        return method(self, *args)
    return built


class Report:
    """What every report shares: its model (sections in order, tables numbered while it is
    built), the table of contents placeholder and the Excel resultatfil. Subclasses give
    ``cells``, ``about`` and ``data_sheets`` (and ``extra_tables`` for sheets beyond the
    sections' tables)."""

    _building = False

    def cells(self) -> list[tuple]:
        """The report's sections in order, as (method name, arguments…): the notebook's cells."""
        raise NotImplementedError

    def extra_tables(self) -> list[tb.ReportTable]:
        """Resultatfil sheets beyond the sections' tables (none by default)."""
        return []

    @cached_property
    def model(self) -> ReportModel:
        """The report built once: every section of :meth:`cells` in order, numbered as built."""
        self.numbers = Numbering()
        self._building = True
        try:
            built = {key: getattr(self, key[0])(*key[1:]) for key in self.cells()}
        finally:
            self._building = False
        return ReportModel(built, self.extra_tables())

    def sections(self) -> list[Block]:
        """Every section in the report's order (what the notebook shows, cell by cell)."""
        return self.model.blocks

    def tables(self) -> list[tb.ReportTable]:
        """Every listed table in the report's order (the resultatfil's sheets), from the model."""
        return self.model.tables

    def headings(self) -> list[str]:
        return [text for _, _, text in self.model.headings]

    def html(self) -> str:
        """The report's body as HTML, every section in order (no notebook needed)."""
        return self.model.html()

    @section
    def toc(self) -> Block:
        """Placeholder the HTML export replaces with the table of contents."""
        return Block(Fixed("toc.html.j2", {}))

    def excel_about(self) -> dict:
        """The resultatfil's index sheet: what the report is, min_n and the date it was made."""
        return {**self.about(), "Minsta antal svar (n)": self.min_n, "Framställd": swedish_date(self.published)}


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

    @cached_property
    def response_previous(self) -> pd.DataFrame | None:
        return self.f.response(self.previous) if self.previous else None

    def _counts_text(self) -> tuple[int, int]:
        total = self.response[self.response.survey == fig.TOTAL].iloc[0]
        return int(total.antal_svar), int(total.forbund_count)

    @section
    def title_page(self) -> Block:
        enkater, forbund = self._counts_text()
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
        """The facts the summary is built from, each one sentence."""
        enkater, forbund = self._counts_text()
        national = self.nationally.get(self.year)
        surveys = [s for s in self.response.survey if s != fig.TOTAL]
        of = f" av landets {fmt.number(national)}" if national else ""
        facts = {"scope": (f"Rapporten redovisar svar från {sv.count_phrase(enkater, sv.ENKAT)} från "
                           f"{sv.number_word(forbund, sv.ETT)}{of} samordningsförbund, fördelat på "
                           f"{sv.count_phrase(len(surveys), sv.ENKAT)}: "
                           f"{sv.format_list(s.lower() for s in surveys)}.")}
        if self.response_previous is not None:
            before = self.response_previous.set_index("survey")
            b_enk, b_frb = int(before.at[fig.TOTAL, "antal_svar"]), int(before.at[fig.TOTAL, "forbund_count"])
            direction = "ökat" if enkater > b_enk else "minskat" if enkater < b_enk else "är oförändrat"
            fdir = "ökat" if forbund > b_frb else "minskat" if forbund < b_frb else "är oförändrat"
            joiner = "trots att" if (direction == "ökat") != (fdir == "ökat") and fdir != "är oförändrat" and direction != "är oförändrat" else "och"
            facts["counts"] = (f"Jämfört med {self.previous} har antalet enkäter {direction} "
                               f"(från {fmt.number(b_enk)} till {fmt.number(enkater)}), {joiner} antalet "
                               f"deltagande förbund {fdir} (från {fmt.number(b_frb)} till {fmt.number(forbund)}).")
            now = self.response.set_index("survey")
            fewer = [s for s in surveys if s in before.index and now.at[s, "antal_svar"] < before.at[s, "antal_svar"]]
            if fewer and len(fewer) < len(surveys):
                facts["surveys"] = ("Antalet svar har minskat för " + sv.format_list(s.lower() for s in fewer)
                                    + ", men ökat eller är oförändrat för övriga respondentgrupper.")
            elif not fewer:
                facts["surveys"] = "Antalet svar har ökat eller är oförändrat för samtliga respondentgrupper."
        t = self.f.trend
        totalt = t[t.group == "totalt"]
        if len(totalt):
            n = len(totalt)
            up = totalt[totalt.classification == ins.INCREASE].indicator.tolist()
            down = totalt[totalt.classification == ins.DECREASE].indicator.tolist()
            text = com.development_tally(n, len(up), len(down), after=f" jämfört med {self.previous}")
            if up:
                text += f" Ökning syns för {sv.numbered(sv.INDIKATOR, up)}."
            if down:
                text += f" Minskning syns för {sv.numbered(sv.INDIKATOR, down)}."
            facts["trend"] = text
        gaps = self.gender
        sure = gaps[gaps.verdict != unc.UNSURE_DIFFERENCE]
        if len(gaps) and sure.empty:
            facts["gender"] = ("Skillnaderna mellan kvinnors och mäns svar är inte större än att de kan bero på "
                               "slumpen.")
        elif len(sure):  # the largest gap beyond chance (prose.gender_differences)
            top = sure.loc[sure.gap.abs().idxmax()]
            name = ins.indicators()[int(top.indicator)].short_name.lower()
            facts["gender"] = (f"Den största skillnaden mellan kvinnor och män finns i "
                               f"{com.measure_phrase(top.survey, int(top.question))} (indikator "
                               f"{int(top.indicator)}, {name}), där {fmt.percent(top.kvinnor)} av kvinnorna och "
                               f"{fmt.percent(top['män'])} av männen {com.answer_phrase(top.key)} – en skillnad på "
                               f"{fmt.pp_abs(top.gap)}. I övrigt är skillnaden mellan könen högst "
                               f"{fmt.pp_abs(gaps.gap.abs().nlargest(2).iloc[-1]) if len(gaps) > 1 else fmt.pp_abs(top.gap)}.")
        high, low = self._extreme_measures()
        if high is not None:
            facts["levels"] = (f"Högst nyckeltal har {com.measure_phrase(high.survey, int(high.question))} "
                               f"(indikator {int(high.indicator)}, {fmt.percent(high.nyckeltal_pct)}) och lägst "
                               f"{com.measure_phrase(low.survey, int(low.question))} (indikator "
                               f"{int(low.indicator)}, {fmt.percent(low.nyckeltal_pct)}).")
        return facts

    def _extreme_measures(self):
        d = self.f.now[(self.f.now.group == "samtliga") & self.f.now.nyckeltal_pct.notna() & (self.f.now.key == "klart")]
        if len(d) < 2:
            return None, None
        d = d.sort_values("nyckeltal_pct", kind="stable")
        return d.iloc[-1], d.iloc[0]

    def in_brief(self) -> list[str]:
        """Resultat i korthet: short bullets from the figures."""
        items = []
        t = self.f.trend
        totalt = t[t.group == "totalt"]
        if len(totalt):
            up = int((totalt.classification == ins.INCREASE).sum())
            down = int((totalt.classification == ins.DECREASE).sum())
            items.append(com.development_tally(len(totalt), up, down, after=f" jämfört med {self.previous}"))
        gaps = com.gender_gaps(self.f.dist, self.year)
        if len(gaps):
            big = int((gaps.gap.abs() >= 5).sum())
            items.append("Skillnaderna mellan kvinnors och mäns svar är generellt små"
                         + (f"; {sv.of_phrase(big, len(gaps), sv.FRAGA)} skiljer 5 procentenheter eller mer."
                            if big else f": högst {fmt.pp_abs(gaps.gap.abs().max())}."))
        deltagare = self.f.now[self.f.now.survey.str.startswith("Deltagare") & (self.f.now.group == "samtliga")
                               & (self.f.now.key == "klart") & self.f.now.nyckeltal_pct.notna()]
        others = self.f.now[~self.f.now.survey.str.startswith("Deltagare") & (self.f.now.group == "samtliga")
                            & self.f.now.nyckeltal_pct.notna()]
        if len(deltagare) and len(others):
            by = others.groupby("survey").nyckeltal_pct.median().sort_values()
            items.append(f"Deltagarna svarar klart positivt i hög grad (median {fmt.percent(deltagare.nyckeltal_pct.median())} "
                         f"per fråga); lägst andel klart positiva svar bland övriga respondentgrupper har "
                         f"{by.index[0].lower()} (median {fmt.percent(by.iloc[0])}).")
        if self.response_previous is not None:
            enk, _ = self._counts_text()
            before = int(self.response_previous.set_index("survey").at[fig.TOTAL, "antal_svar"])
            word = "fler" if enk > before else "färre" if enk < before else "lika många"
            items.append(f"{fmt.number(enk)} insamlade enkäter, {word} än {self.previous} ({fmt.number(before)}).")
        return items

    @section
    def summary(self) -> Block:
        facts = self.summary_facts()
        body = heading(1, "Sammanfattning", "sammanfattning", "chapter")
        text = paragraphs(*facts.values())
        own = self.commentary.html("sammanfattning")
        caveat = paragraphs("Rapporten gör inte anspråk på att ge en fullständig bild av läget hos "
                            "samordningsförbunden och de insatser de finansierar. Svaren kommer från de förbund "
                            "som valt att genomföra enkätundersökningarna, och jämförelser mellan åren bör göras "
                            "med viss försiktighet eftersom de medverkande förbunden skiftar.")
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
        measured = len(ins.measured_indicators())
        texts = [
            f"I rapporten redovisas resultat kopplade till {measured} av de {len(ins.indicators())} indikatorerna; "
            "indikator 11 mäts inte med enkäterna. Varje indikator består av två eller flera mått i form av "
            "enkätfrågor. En sammanställning av indikatorerna och måtten finns i bilaga 2.",
            "Enkätfrågorna har, med undantag för fråga 8 i avslutsenkäten till deltagare, sex svarsalternativ. "
            "Svaren delas in i negativa svar (de två lägsta svarsalternativen), varken eller (det tredje) och "
            "positiva svar (de tre högsta). De två högsta svarsalternativen kallas klart positiva. Fråga 8 i "
            "avslutsenkäten är en ja/nej-fråga där ja redovisas som positivt och nej som negativt svar.",
            "Nyckeltalet för en fråga är andelen klart positiva svar. Undantagen är indikator 7 (fråga 6 i "
            "deltagarenkäterna), där nyckeltalet är andelen positiva svar eftersom all stegförflyttning närmare "
            "arbete eller studier bedöms som positiv, och ja/nej-frågan, där nyckeltalet är andelen ja-svar.",
        ]
        analysis = heading(2, "Analysmetod och redovisning av data", "analysmetod")
        return (body + Block(paragraphs(*texts), Table(nt.categories_table(), listed=False)) + analysis
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
        facts = prose.indicator_comment(self.f.dist, indicator, self.year, self.previous, self.f.trend,
                                        levels=self.levels, changes=self.f.all_changes, gender=self.gender,
                                        employer=self.employer)
        comment = comment_block(anchor, facts, self.commentary.html(indicator))
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
        return paragraphs(
            f"Indikatorns frågor ändrades eller tillkom {since}, och det finns därmed inga äldre jämförbara data. "
            "Ett linjediagram över utvecklingen blir därför överflödigt; tabellen visar nyckeltalet för de år "
            "som kan jämföras.", cls="chart-note no-chart")

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
        text = paragraphs(
            f"Analysen bygger på utvecklingen av nyckeltalen {self.year} jämfört med {self.previous}, sammanvägd "
            "per indikator över de mått som finns båda åren, med regeln i avsnittet Analysmetod och redovisning "
            "av data. För indikatorer med deltagarfrågor görs bedömningen även för kvinnor och för män. Summan "
            "och gränsen står i tabellen så att varje bedömning kan kontrolleras.")
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

    def keyfigures_frame(self) -> pd.DataFrame:
        """Nyckeltal for every year, measure and group: the resultatfil's long data sheet.

        Percent columns end with "(%)" (values 0–100; the Excel writer stores fractions).
        ``Serie`` names the measure followed over years (instrument.questions' series) and
        ``Enkätversion`` the questionnaire: a changed question is another series, so a pivot on
        Serie never joins e.g. indicator 4's 2018–2020 ja/nej question with the 2021 one."""
        d = self.f.dist
        out = d[["year", "indicator", "survey", "version", "series", "question", "key", "group", "n",
                 "nyckeltal_pct", "nyckeltal_ci_low", "nyckeltal_ci_high",
                 "negativt_pct", "varken_pct", "positivt_pct", "klart_positivt_pct"]].copy()
        out["key"] = out.key.map(ins.key_label)
        groups = {g: i for i, g in enumerate(["samtliga", *ins.GENDER_GROUPS, *ins.EMPLOYER_GROUPS])}
        out = out.assign(_s=out.survey.map(nt._survey_rank), _g=out.group.map(groups))
        out = out.sort_values(["indicator", "_s", "series", "_g", "year"]).drop(columns=["_s", "_g"])
        return out.rename(columns=KEYFIGURE_HEADERS).reset_index(drop=True)

    def about(self) -> dict:
        return {"Rapport": f"{self.title} {self.year}", "Mätår": self.year}

    def changes_frame(self) -> pd.DataFrame:
        """Each measure's change since the previous year with its 95 % interval: a resultatfil sheet."""
        ch = self.f.changes.drop(columns=["forbund"])
        names = {"year": "År", "compared_with": "Jämfört med", "survey": "Enkät", "question": "Fråga",
                 "indicator": "Indikator", "group": "Grupp", "n": "n", "n_before": "n föregående år",
                 "nyckeltal_pct": "Nyckeltal (%)", "nyckeltal_before_pct": "Nyckeltal föregående år (%)",
                 "change_pp": "Förändring (procentenheter)", "change_ci_low_pp": "Förändring: 95 % lägre gräns",
                 "change_ci_high_pp": "Förändring: 95 % övre gräns", "verdict": "Bedömning"}
        return ch.rename(columns=names)

    def data_sheets(self) -> dict:
        sheets = {"Nyckeltal alla år": self.keyfigures_frame()}
        if self.f.previous is not None:
            sheets["Förändring med intervall"] = self.changes_frame()
        return sheets


# The long data sheets' Swedish headers (percent columns end with "(%)": publish.excel.is_percent_column).
KEYFIGURE_HEADERS = {
    "year": "År", "indicator": "Indikator", "survey": "Enkät", "version": "Enkätversion", "series": "Serie",
    "question": "Fråga", "key": "Nyckeltal avser", "group": "Grupp", "n": "n", "nyckeltal_pct": "Nyckeltal (%)",
    "nyckeltal_ci_low": "Nyckeltal, 95 % lägre gräns (%)", "nyckeltal_ci_high": "Nyckeltal, 95 % övre gräns (%)",
    "negativt_pct": "Negativt (%)", "varken_pct": "Varken eller (%)", "positivt_pct": "Positivt (%)",
    "klart_positivt_pct": "Klart positivt (%)"}
