"""From registration files that add up to the published 2022 report, `finsam
results` prints the published numbers: every row of the distribution tables,
Tabell 1-4 and the responses per förbund."""
from __future__ import annotations

import pandas as pd
import pytest

from finsam_lib.apps.cli import main
from finsam_lib.figures import method as fig
from finsam_lib.figures.year import year_figures
from finsam_lib.instrument import definition as ins
from finsam_lib.registration.reader import read_paths


@pytest.fixture(scope="module")
def national(fixture_2022, tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    assert main(["results", "--data", str(fixture_2022), "--year", "2022", "--out", str(out)]) == 0
    return (pd.read_csv(out / "figures.csv", keep_default_na=False, dtype=str),
            pd.read_csv(out / "response.csv", keep_default_na=False, dtype=str))


def _num(text: str):
    return None if text == "" else int(text)


def test_every_published_distribution_row(national, published):
    figures, _ = national
    expected = pd.read_csv(published / "nns2022_distribution.csv")
    assert set(expected.indicator) == set(ins.measured_indicators())  # the yardstick covers every indicator
    for r in expected.itertuples():
        got = figures[(figures.survey == r.survey) & (figures.question == str(r.question))
                      & (figures.group == r.group)]
        assert len(got) == 1, (r.survey, r.question, r.group)
        g = got.iloc[0]
        where = f"{r.source} {r.survey} F{r.question} {r.group}"
        assert g.forbund == "" and g.year == "2022"
        assert int(g.indicator) == r.indicator, where
        assert int(g.n) == r.n, where
        assert _num(g.negativt_pct) == r.negativt, where
        assert _num(g.positivt_pct) == r.positivt, where
        if pd.isna(r.varken_eller):  # ja/nej: Ja = positivt, Nej = negativt, no middle
            assert g.varken_pct == "" and g.klart_positivt_pct == "", where
            assert _num(g.code_1) + _num(g.code_2) == r.n
            assert _num(g.nyckeltal_pct) == r.positivt, where
        else:
            assert _num(g.varken_pct) == r.varken_eller, where
            assert _num(g.klart_positivt_pct) == r.klart_positivt, where
            key = r.positivt if r.indicator == 7 else r.klart_positivt
            assert _num(g.nyckeltal_pct) == key, where
        assert g.suppressed == "False"
        assert sum(_num(g[f"code_{c}"]) for c in range(1, 7)) == r.n


def test_response_rates_tabell_2(national, published):
    _, response = national
    expected = pd.read_csv(published / "nns2022_response_rates.csv")
    got = response.set_index("survey")
    assert list(got.index) == list(expected.survey)
    for r in expected.itertuples():
        g = got.loc[r.survey]
        assert _num(g.malpopulation) == (None if pd.isna(r.malpopulation) else r.malpopulation), r.survey
        assert _num(g.tillfragade) == r.undersokt_population, r.survey
        assert _num(g.antal_svar) == r.antal_svar, r.survey
        assert _num(g.bortfall) == r.undersokt_population - r.antal_svar
        assert _num(g.tillfragade_av_mal_pct) == (None if pd.isna(r.undersokt_andel_av_mal)
                                                  else r.undersokt_andel_av_mal), r.survey
        assert _num(g.svar_av_tillfragade_pct) == r.andel_svar_av_undersokt, r.survey
        assert _num(g.svar_av_mal_pct) == (None if pd.isna(r.andel_svar_av_mal) else r.andel_svar_av_mal)


def test_tabell_1_questionnaires_and_forbund_per_survey(national, published):
    _, response = national
    counts = pd.read_csv(published / "nns2022_forbund_counts.csv")
    got = response.set_index("survey")
    surveys = [c for c in counts.columns if c not in ("samordningsforbund", "nytt_2022")]
    assert surveys and set(surveys) <= set(ins.REPORT_ORDER)
    for survey in surveys:
        assert _num(got.loc[survey, "antal_svar"]) == int(counts[survey].sum())
        assert _num(got.loc[survey, "forbund_count"]) == int(counts[survey].notna().sum())
    totals = pd.read_csv(published / "nns_totals_by_year.csv").set_index("year").loc[2022]  # Tabell 21
    assert _num(got.loc["Totalt", "antal_svar"]) == totals.insamlade_enkater == int(counts[surveys].sum().sum())
    assert _num(got.loc["Totalt", "forbund_count"]) == totals.deltagande_forbund == len(counts)


def test_gender_tabell_3_and_4(national, published):
    _, response = national
    expected = pd.read_csv(published / "nns2022_gender_counts.csv").set_index(["survey", "group"])["antal"]
    got = response.set_index("survey")
    for survey in ("Deltagare pågående", "Deltagare avslut"):
        assert _num(got.loc[survey, "kvinnor"]) == expected[(survey, "kvinna")]
        assert _num(got.loc[survey, "man"]) == expected[(survey, "man")]
        assert _num(got.loc[survey, "ej_uppgett_kon"]) == expected[(survey, "ej uppgett kön")]
        assert _num(got.loc[survey, "antal_svar"]) == expected[(survey, "totalt")]


def test_bilaga_1_responses_per_forbund(fixture_2022, published):
    data = read_paths([fixture_2022])
    assert not data.errors
    counts = pd.read_csv(published / "nns2022_forbund_counts.csv").set_index("samordningsforbund")
    surveys = [c for c in counts.columns if c != "nytt_2022"]
    assert sorted(data.respondents.forbund.unique()) == sorted(counts.index)
    # year_figures(data, year, name).response() is figures.response_table of the same arguments (checked
    # here on the first förbund); the table alone spares building every förbund's distribution.
    first = counts.index[0]
    pd.testing.assert_frame_equal(
        year_figures(data, 2022, first).response(),
        fig.response_table(data.respondents, data.population, data.sheets, 2022, first))
    for name, row in counts.iterrows():
        response = fig.response_table(data.respondents, data.population, data.sheets, 2022, name)
        response = response.set_index("survey")
        for survey in surveys:
            expected = None if pd.isna(row[survey]) else int(row[survey])
            got = int(response.loc[survey, "antal_svar"]) if survey in response.index else None
            assert got == expected, (name, survey)
