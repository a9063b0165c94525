"""Series follow the instrument (issue 14, item 3): no line joins years across a changed question,
the national report draws no line chart for an indicator whose every question changed (4, 15 and
16 in 2022) and says why, and its diagrams are numbered and named as in the 2022 report."""
from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from finsam_lib.figures import method as fig
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts
from finsam_lib.present import forbund_charts as fc

YEAR = 2022
OLD_4 = "Deltagare pågående|4|2018"  # the 2018 ja/nej question of indicator 4 (2018–2020)
NEW_4 = "Deltagare pågående|4"  # its 2021 six-point replacement

# The diagram titles of the published 2022 national report (nns-national-report-2022.txt, copied
# verbatim, line breaks joined): no line chart for indicators 4, 15 and 16 (its note 8).
SEED_DIAGRAMS = [
    "Diagram 1 Indikator 1: Personcentrering, 2018–2022. Andelen klart positiva svar.",
    "Diagram 2 Indikator 2: Inflytande, 2018–2022. Andelen klart positiva svar.",
    "Diagram 3 Indikator 3: Tillräcklig tid, 2018–2022. Andelen klart positiva svar.",
    "Diagram 4 Indikator 5: Stöd att hantera sin situation, 2018–2022. Andelen klart positiva svar.",
    "Diagram 5.1 Fråga 8, avslutade deltagare: ”Har ni påbörjat en planering för vad som ska hända efter "
    "att nuvarande stöd har upphört?”, 2018–2022. Andelen som svarat ja.",
    "Diagram 5.2 Indikator 6: Fortsatt planering, 2018–2022. Andelen klart positiva svar.",
    "Diagram 6 Indikator 7: Närmare arbete/studier, 2018–2022. Andelen positiva svar.",
    "Diagram 7 Indikator 8: Respekt mellan medarbetare i samverkan, 2018–2022. Andelen klart positiva svar.",
    "Diagram 8 Indikator 9: Deltagarinflytande, 2018–2022. Andelen klart positiva svar.",
    "Diagram 9 Indikator 10: Samarbete med andra aktörer, 2018–2022. Andelen klart positiva svar.",
    "Diagram 10 Indikator 12: Samverkansstrukturer, 2018–2022. Andelen klart positiva svar.",
    "Diagram 11 Indikator 13: Gemensamma synsätt och arbetssätt i samverkansinsats, 2018–2022. "
    "Andelen klart positiva svar.",
    "Diagram 12 Indikator 14: Uppföljning och utvärdering, 2018–2022. Andelen klart positiva svar.",
    "Diagram 13 Andelen deltagare vid avslut vars svar ingår i nyckeltalet för respektive indikator, 2022.",
]


# --- The rule: instrument and figures ------------------------------------------------------------------

def test_the_instrument_says_which_years_form_one_series():
    years = range(2017, 2023)
    assert ins.comparable_years(OLD_4, years) == [2017, 2018, 2019, 2020]
    assert ins.comparable_years(NEW_4, years) == [2021, 2022]
    assert ins.comparable_since(NEW_4) == 2021
    # A question compared over the 2021 change is one series across it.
    assert ins.comparable_years("Deltagare pågående|1", years) == list(years)


def test_segments_split_a_line_where_its_question_changed():
    points = pd.DataFrame({"series": [OLD_4] * 3 + [NEW_4] * 2, "year": [2018, 2019, 2020, 2021, 2022]})
    seg = fig.series_segments(points)
    assert seg.iloc[2] != seg.iloc[3]
    assert seg.iloc[0] == seg.iloc[2] and seg.iloc[3] == seg.iloc[4]
    # A year whose questionnaire does not ask the measure is a segment of its own.
    odd = fig.series_segments(pd.DataFrame({"series": [NEW_4, NEW_4], "year": [2020, 2021]}))
    assert odd.iloc[0] != odd.iloc[1]


def _one_line_over_the_change() -> pd.DataFrame:
    """Indicator 4 as one line, as a chart that keys lines by survey and question would draw it."""
    return pd.DataFrame({"line": "Pågående F4", "survey": "Deltagare pågående", "group": "samtliga",
                         "series": [OLD_4] * 3 + [NEW_4] * 2, "year": [2018, 2019, 2020, 2021, 2022],
                         "value": [94.0, 95.0, 93.0, 69.0, 70.0]})


def _joined_pairs(xs, ys) -> set[tuple[int, int]]:
    """The pairs of years a drawn line joins (matplotlib breaks at NaN)."""
    pairs = set()
    for (x0, y0), (x1, y1) in zip(zip(xs, ys), list(zip(xs, ys))[1:]):
        if not (np.isnan(y0) or np.isnan(y1)):
            pairs.add((int(x0), int(x1)))
    return pairs


def test_a_line_chart_draws_no_stroke_across_the_change():
    figure = charts.line_chart(_one_line_over_the_change(), years=list(range(2018, 2023)))
    drawn = [ln for ln in figure.axes[0].get_lines()]
    pairs = set().union(*(_joined_pairs(ln.get_xdata(), np.asarray(ln.get_ydata(), dtype=float)) for ln in drawn))
    assert (2020, 2021) not in pairs
    assert {(2018, 2019), (2019, 2020), (2021, 2022)} <= pairs
    # One legend entry for the line, not one per segment.
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["Pågående F4"]


def _polyline_years(svg: str, years: list[int]) -> list[list[int]]:
    """The years each polyline of a trend_svg joins, read back from its x coordinates."""
    ticks = {round(float(x)): y for x, y in
             ((m.group(1), int(m.group(2))) for m in re.finditer(r'<text x="([\d.]+)"[^>]*>(\d{4})</text>', svg))}
    out = []
    for pts in re.findall(r'<polyline points="([^"]+)"', svg):
        xs = [round(float(p.split(",")[0])) for p in pts.split()]
        out.append([ticks[x] for x in xs])
    return out


def test_the_forbund_trend_svg_draws_no_segment_across_the_change():
    years = list(range(2018, 2023))
    points = _one_line_over_the_change().assign(color="#000000", linestyle="-", marker="o")
    runs = _polyline_years(fc.trend_svg(points, years), years)
    assert runs == [[2018, 2019, 2020], [2021, 2022]]


# --- The national report -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def national(demo_data):
    from finsam_lib.present.report import NationalReport
    return NationalReport(demo_data, YEAR)


@pytest.fixture(scope="module")
def national_html(national) -> str:
    return "".join(b.html for b in national.sections())


def _diagram_titles(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<figure class="chart"[^>]*aria-label="(Diagram [^"]*)"', page)]


def test_national_diagrams_are_numbered_and_named_as_in_the_2022_report(national_html):
    assert _diagram_titles(national_html) == SEED_DIAGRAMS


@pytest.mark.parametrize("indicator", [4, 15, 16])
def test_no_line_chart_for_an_indicator_whose_every_question_changed(national, indicator):
    assert not fig.trend_chart_wanted(national.f.dist, indicator, YEAR)
    section = national.indicator(indicator).html
    assert '<figure class="chart"' not in section
    assert "Ett linjediagram över utvecklingen blir därför överflödigt" in section
    assert "ändrades eller tillkom 2021" in section


def test_indicators_with_older_comparable_data_keep_their_chart(national):
    for indicator in (1, 9, 14):
        assert fig.trend_chart_wanted(national.f.dist, indicator, YEAR)
        assert '<figure class="chart"' in national.indicator(indicator).html


def test_the_method_text_says_which_indicators_have_no_chart(national_html):
    assert "vars alla frågor ändrades eller tillkom med den nuvarande enkätversionen" in national_html


# --- A förbund report ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def forbund_report(demo_data):
    from finsam_lib.present.forbund_report import ForbundReport
    r = demo_data.respondents
    pag = r[r.survey == "Deltagare pågående"]
    both = set(pag.loc[pag.year == 2020, "forbund"]) & set(pag.loc[pag.year == YEAR, "forbund"])
    # The förbund with the most answers on the survey of indicator 4 in both questionnaires.
    name = pag[pag.forbund.isin(both)].forbund.value_counts().index[0]
    return ForbundReport(demo_data, name, YEAR)


def test_a_forbund_report_starts_indicator_4_at_the_new_question(forbund_report):
    assert 2020 in forbund_report.years  # the förbund answered the old question in a shown year
    section = forbund_report.indicator(4).html
    chart = re.search(r'<figure class="chart trend".*?</figure>', section, re.S)
    assert chart, "indicator 4 has a trend chart"
    svg = chart.group(0)
    runs = _polyline_years(svg, forbund_report.years)
    assert runs and all(min(run) >= 2021 for run in runs)
    assert not any(2020 in run and 2021 in run for run in runs)
    assert "ändrades 2021; jämförelse med tidigare år görs inte." in html.unescape(svg)


def test_a_new_question_gets_its_chart_once_it_has_more_years_than_the_table():
    """Indicator 4 from 2021: no chart while the key-figure table shows every year, a chart after."""
    def dist(years):
        return pd.DataFrame({"indicator": 4, "series": NEW_4, "year": years, "n": 100})
    assert not fig.trend_chart_wanted(dist([2021, 2022, 2023]), 4, 2023)
    assert fig.trend_chart_wanted(dist([2021, 2022, 2023, 2024]), 4, 2024)
    # A measure asked as now before 2021 keeps its chart even in data that start in 2021.
    one = pd.DataFrame({"indicator": 1, "series": "Deltagare pågående|1", "year": [2021, 2022], "n": 100})
    assert fig.trend_chart_wanted(one, 1, 2022)
