"""One disclosure policy and chance-aware verdicts in every output (issue 13), for every förbund of
the demo data, at the level of figures and content (no notebooks, no LibreOffice):

- the deck (its data: headline, chart, facts, verdicts), the explorer, figures.csv, changes.csv and
  the index page show no share or split that the förbund's report suppresses, and show the same
  figures where they show one;
- no förbund verdict says Ökning/Minskning without a measure that changed beyond chance that way.

The deck is built for a sample chosen from the data so that each of its paths is taken
(``deck_sample``); everything else for every förbund.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from finsam_lib.apps.explore import Explorer
from finsam_lib.figures import method as fig
from finsam_lib.figures import uncertainty as unc
from finsam_lib.figures.year import year_figures
from finsam_lib.instrument import definition as ins
from finsam_lib.present import slides
from finsam_lib.present.deck import NO_COMPARISON, Deck
from finsam_lib.present.forbund_report import ForbundReport
from finsam_lib.publish import batch

KEYS = ["year", "series", "group"]


@pytest.fixture(scope="module")
def demo(demo_data):
    data = demo_data
    year = max(data.years())
    national = year_figures(data, year, None)
    before = fig.response_table(data.respondents, data.population, data.sheets, year - 1)
    return data, year, national, before


def shown(dist: pd.DataFrame, year: int) -> pd.Series:
    """nyckeltal by (year, series, group) of the rows shown, years up to ``year``."""
    d = dist[(dist.year <= year) & ~dist.suppressed.astype(bool)]
    return d.set_index(KEYS)["nyckeltal_pct"].sort_index()


def deck_values(deck: Deck) -> list[tuple]:
    """Every förbund share a deck states: (year, series, group, value) of headlines and chart points."""
    out = []
    for s in deck.indicator_slides():
        h = s.headline
        if h is not None and h.value is not None:
            out.append((deck.year, h.series, h.group, h.value))
        if s.chart is not None and s.chart.kind == "line":
            p = s.chart.points
            p = p[~p.reference.astype(bool)].dropna(subset=["value"])
            out += [(int(r.year), r.series, r.group, float(r.value)) for r in p.itertuples()]
    return out


def sure_changes(changes: pd.DataFrame, indicator: int, group: str, verdict: str) -> int:
    g = "samtliga" if group == "totalt" else group
    return int(((changes.indicator == indicator) & (changes.group == g) & (changes.verdict == verdict)).sum())


def test_every_output_shows_what_the_report_shows_and_no_verdict_lacks_a_sure_change(demo):
    data, year, national, before_response = demo
    explorer = Explorer(data)
    names = sorted(data.respondents.loc[data.respondents.year == year, "forbund"].unique())
    outcomes = [batch.Outcome(j, True, {"html": f"{j.stem}.html"}) for j in batch.plan(data, "data", year)]
    _, index_rows = batch.index_rows(data, year, outcomes)
    index = {r["label"]: r for r in index_rows if r["kind"] == batch.FORBUND}
    verdicts = split_hidden = gender_facts = 0
    reports = {}
    for name in names:
        report = ForbundReport(data, name, year)
        want = shown(report.dist, year)
        results = year_figures(data, year, name)
        reports[name] = report, want, results
        # Same shown figures, same hidden ones: finsam results (and so the deck) and the explorer.
        pd.testing.assert_series_equal(shown(results.dist, year), want, obj=f"results {name}")
        pd.testing.assert_series_equal(shown(explorer.distribution(name), year), want, obj=f"explorer {name}")
        split_hidden += int((report.dist.group != "samtliga").sum() and report.dist[
            report.dist.group != "samtliga"].suppressed.any())
        # figures.csv: a share and its interval exactly where the report shows one.
        csv = results.figures
        rep_now = report.dist[report.dist.year == year]
        assert csv.suppressed.sum() == rep_now.suppressed.sum()
        assert (csv.nyckeltal_ci_low.isna() == csv.nyckeltal_pct.isna()).all()
        # changes.csv: only measures and groups shown both years.
        q = report.dist.set_index(["year", "survey", "question", "group"])["suppressed"]
        for r in results.changes.itertuples():
            assert not q.loc[(r.year, r.survey, r.question, r.group)], (name, r)
            assert r.verdict in (unc.INCREASE, unc.DECREASE, unc.UNSURE)
        # index.html: the report's exact counts.
        counts = report.survey_counts.loc[year]
        for survey, cell in index[name]["counts"].items():
            assert cell == (None if pd.isna(counts.get(survey)) else int(counts[survey])), (name, survey)
        # Verdicts: the report's Tabell 20 and trend.csv agree, and each Ökning/Minskning rests on a
        # measure that changed beyond chance in its direction.
        changes = unc.changes(results.dist, year, year - 1) if len(results.changes) else results.changes
        pd.testing.assert_frame_equal(report.trend.reset_index(drop=True), results.trend.reset_index(drop=True))
        for t in results.trend.itertuples():
            assert t.classification in (ins.INCREASE, ins.DECREASE, unc.NO_SURE_CHANGE)
            if t.classification == ins.INCREASE:
                verdicts += 1
                assert t.sum_change_pp >= t.threshold_pp and sure_changes(changes, t.indicator, t.group,
                                                                           unc.INCREASE), (name, t)
            if t.classification == ins.DECREASE:
                verdicts += 1
                assert t.sum_change_pp <= -t.threshold_pp and sure_changes(changes, t.indicator, t.group,
                                                                            unc.DECREASE), (name, t)
    for name in deck_sample(data, year, reports):
        report, want, results = reports[name]
        deck = slides.build_deck(results, dt.date(2023, 3, 1))
        # The deck states only shown figures, with the report's values.
        for y, series, group, value in deck_values(deck):
            assert (y, series, group) in want.index, (name, y, series, group)
            assert want.loc[(y, series, group)] == value, (name, y, series, group)
        # A deck's kvinnor/män sentence only where the report shows both groups that year.
        for s in deck.indicator_slides():
            if any("av kvinnorna" in f for f in s.facts + s.notes.split("\n")):
                gender_facts += 1
                now = report.dist[(report.dist.year == year) & (report.dist.indicator == s.indicator)]
                both = now[now.group.isin(ins.GENDER_GROUPS) & ~now.suppressed]
                assert set(both.group) == set(ins.GENDER_GROUPS), (name, s.indicator)
        # The deck's verdicts are the report's Tabell 20.
        totalt = results.trend[results.trend.group == "totalt"].set_index("indicator").classification
        for s in deck.indicator_slides():
            if s.classification:
                assert s.classification == totalt[s.indicator], (name, s.indicator)
        summary = next(s for s in deck.slides if s.kind == "summary")
        for g in summary.groups:
            for item in g.items:
                indicator = int(re.match(r"\d+", item).group())
                assert g.classification == totalt.get(indicator, NO_COMPARISON), (name, item)
    assert verdicts and split_hidden and gender_facts  # the demo exercises every branch


def deck_sample(data, year: int, reports: dict) -> list[str]:
    """The förbund whose deck is built (a deck takes 1–3 s; every förbund's figures, verdicts,
    explorer and index counts are checked above, and the deck is built from those same results).
    Chosen from the data, so that every path of the deck is taken: the förbund with the fewest
    and the most answers; the first (alphabetically) whose totalt verdict is Ökning on some
    indicator, and likewise Minskning; the first where kvinnor or män is hidden on a measure whose
    samtliga is shown (the deck must then leave out its gender sentence); and the first with an
    indicator whose samtliga is hidden (no headline, no chart point)."""
    sizes = data.respondents[data.respondents.year == year].groupby("forbund").size()
    chosen = [sizes.idxmin(), sizes.idxmax()]

    def first(test):
        found = next((name for name, parts in reports.items() if test(*parts)), None)
        if found is not None and found not in chosen:
            chosen.append(found)

    def verdict(kind):
        return lambda report, want, results: (
            (results.trend.group == "totalt") & (results.trend.classification == kind)).any()

    def gender_hidden(report, want, results):
        now = report.dist[report.dist.year == year]
        hidden = now[now.group.isin(ins.GENDER_GROUPS)].groupby(["survey", "question"]).suppressed.any()
        total = now[now.group == "samtliga"].set_index(["survey", "question"]).suppressed.astype(bool)
        return (hidden.astype(bool) & ~total.reindex(hidden.index, fill_value=True)).any()

    def samtliga_hidden(report, want, results):
        now = report.dist[(report.dist.year == year) & (report.dist.group == "samtliga")]
        return now.suppressed.astype(bool).any()

    for test in (verdict(ins.INCREASE), verdict(ins.DECREASE), gender_hidden, samtliga_hidden):
        first(test)
    return chosen
