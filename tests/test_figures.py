"""Figures of the method on small hand-made data (method.md)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from finsam_lib.figures import method as fig


def tidy(rows, year=2022, version=2021, forbund="A"):
    """rows: (survey, respondent, background, question, code)."""
    df = pd.DataFrame(rows, columns=["survey", "respondent", "background", "question", "code"])
    df.insert(0, "year", year)
    df.insert(1, "forbund", forbund)
    df.insert(2, "insats", "")
    df["version"] = version
    df["background"] = df["background"].astype("Int64")
    return df


def answers(survey, question, codes, background=None, start=0):
    return [(survey, start + i, background, question, c) for i, c in enumerate(codes)]


def row(frame, survey, question, group="samtliga"):
    r = frame[(frame.survey == survey) & (frame.question == question) & (frame.group == group)]
    assert len(r) == 1
    return r.iloc[0]


@pytest.mark.parametrize("count,n,expected", [(1, 8, 13), (1, 200, 1), (1, 40, 3), (5, 1000, 1),
                                              (1, 3, 33), (2, 3, 67), (0, 7, 0), (7, 7, 100)])
def test_percent_rounds_half_up(count, n, expected):
    assert fig.percent(count, n) == expected


def test_percent_of_zero_is_blank():
    assert np.isnan(fig.percent(0, 0))


def test_categories_and_key_figure():
    codes = [1, 2, 3, 3, 4, 5, 5, 6, 6, 6]
    f = fig.distribution(tidy(answers("Personal", 1, codes)), level="forbund")
    r = row(f, "Personal", 1)
    assert r.n == 10
    assert [r[f"code_{c}"] for c in range(1, 7)] == [1, 1, 2, 1, 2, 3]
    assert (r.negativt_pct, r.varken_pct, r.positivt_pct, r.klart_positivt_pct) == (20, 20, 60, 50)
    assert r.nyckeltal_pct == 50
    assert not r.suppressed


def test_indicator_7_key_is_all_positive():
    codes = [1, 2, 3, 4, 4, 4, 5, 6, 2, 3]
    f = fig.distribution(tidy(answers("Deltagare pågående", 6, codes, background=1)), level="forbund")
    r = row(f, "Deltagare pågående", 6)
    assert r.indicator == 7
    assert r.positivt_pct == 50 and r.klart_positivt_pct == 20
    assert r.nyckeltal_pct == 50


def test_yes_no_question():
    codes = [1] * 17 + [2] * 3
    f = fig.distribution(tidy(answers("Deltagare avslut", 8, codes, background=2)), level="forbund")
    r = row(f, "Deltagare avslut", 8)
    assert (r.positivt_pct, r.negativt_pct, r.nyckeltal_pct) == (85, 15, 85)
    assert np.isnan(r.varken_pct) and np.isnan(r.klart_positivt_pct)
    table = fig.figures_table(f)
    t = table[(table.question == 8) & (table.group == "samtliga")].iloc[0]
    assert (t.code_1, t.code_2) == (17, 3)


def test_blank_answers_only_leave_their_question():
    rows = answers("Styrelse", 1, [5, 6, 4, 5, 6]) + answers("Styrelse", 2, [5, 6, 4])
    f = fig.distribution(tidy(rows), level="forbund")
    assert row(f, "Styrelse", 1).n == 5
    assert row(f, "Styrelse", 2).suppressed  # 3 answers < 5
    assert row(f, "Styrelse", 3).n == 0


def test_small_group_suppresses_the_whole_split():
    rows = (answers("Deltagare pågående", 1, [5] * 10, background=1)
            + answers("Deltagare pågående", 1, [6] * 4, background=2, start=10)
            + answers("Deltagare pågående", 1, [3] * 3, background=3, start=20))
    f = fig.distribution(tidy(rows), level="forbund", min_n=5)
    assert not row(f, "Deltagare pågående", 1).suppressed
    women, men = row(f, "Deltagare pågående", 1, "kvinnor"), row(f, "Deltagare pågående", 1, "män")
    assert women.suppressed and men.suppressed  # 10 women alone would give away the 4 men
    assert women.n == 10 and np.isnan(women.nyckeltal_pct) and pd.isna(women.code_5)
    f3 = fig.distribution(tidy(rows), level="forbund", min_n=3)
    assert not row(f3, "Deltagare pågående", 1, "män").suppressed


def test_employer_groups_and_annan_only_in_samtliga():
    rows = []
    for i, employer in enumerate([1] * 5 + [2] * 5 + [3] * 5 + [4] * 5 + [5, None]):
        rows.append(("Remittenter", i, employer, 1, 6 if employer == 5 else 4))
    f = fig.distribution(tidy(rows), level="forbund")
    assert row(f, "Remittenter", 1).n == 22
    for group in ("Arbetsförmedlingen", "Försäkringskassan", "Kommun", "Hälso-Sjukvård"):
        r = row(f, "Remittenter", 1, group)
        assert r.n == 5 and r.klart_positivt_pct == 0
    assert row(f, "Remittenter", 1).klart_positivt_pct == 5  # the Annan answer


def test_national_level_adds_forbund_and_renumbers_older_versions():
    # 2020 (version 2018): chefsgrupp question 2 is the 2021 question 3 (indicator 10).
    a = tidy(answers("Parternas chefsgrupp", 2, [5] * 6), year=2020, version=2018, forbund="A")
    b = tidy(answers("Parternas chefsgrupp", 2, [2] * 4, start=100), year=2020, version=2018, forbund="B")
    f = fig.distribution(pd.concat([a, b]), level="national")
    r = row(f, "Parternas chefsgrupp", 2)
    assert r.forbund == "" and r.n == 10 and r.indicator == 10 and r.klart_positivt_pct == 60
    assert r.series == "Parternas chefsgrupp|3"


def test_response_table_excludes_remittenter_from_target_rates():
    respondents = pd.DataFrame({
        "respondent": range(13), "year": 2022, "forbund": "A", "insats": "",
        "survey": ["Personal"] * 8 + ["Remittenter"] * 5, "version": 2021,
        "background": pd.array([pd.NA] * 8 + [1, 2, 3, 4, 5], dtype="Int64")})
    population = pd.DataFrame({
        "year": 2022, "forbund": "A", "insats": "", "survey": ["Personal", "Remittenter"],
        "malpopulation": pd.array([20, pd.NA], dtype="Int64"),
        "tillfragade": pd.array([10, 10], dtype="Int64")})
    sheets = pd.DataFrame({"file": "x", "year": 2022, "forbund": "A", "survey": ["Personal", "Remittenter"],
                           "rows_read": [9, 5], "responses": [8, 5], "empty_rows": [1, 0]})
    t = fig.response_table(respondents, population, sheets, 2022).set_index("survey")
    assert t.loc["Personal", "svar_av_tillfragade_pct"] == 80
    assert t.loc["Personal", "svar_av_mal_pct"] == 40
    assert pd.isna(t.loc["Remittenter", "malpopulation"])
    assert t.loc["Remittenter", "svar_av_tillfragade_pct"] == 50
    total = t.loc["Totalt"]
    assert total.tillfragade == 20 and total.antal_svar == 13 and total.bortfall == 7
    assert total.tillfragade_av_mal_pct == 50  # 10 / 20: remittenter left out
    assert total.svar_av_tillfragade_pct == 65  # 13 / 20: remittenter in
    assert total.svar_av_mal_pct == 40  # 8 / 20
    assert total.empty_rows == 1


def test_population_units_cover_responses_by_insats():
    respondents = pd.DataFrame({"year": 2022, "forbund": "A", "survey": "Personal",
                                "insats": ["X", "X", "Y", "Z", "Z", "Z"]})
    population = pd.DataFrame({"year": 2022, "forbund": "A", "survey": "Personal", "insats": ["X", "Y"],
                               "malpopulation": pd.array([9, pd.NA], dtype="Int64"),
                               "tillfragade": pd.array([4, 2], dtype="Int64")})
    units = fig.population_units(respondents, population).set_index("insats")
    assert units.antal_svar.to_dict() == {"X": 2, "Y": 1, "Z": 3}  # Z: no row covers it
    assert pd.isna(units.loc["Z", "tillfragade"])
    whole = population.assign(insats=["X", ""])  # a row without insats covers the rest
    assert fig.population_units(respondents, whole).set_index("insats").antal_svar.to_dict() == {"X": 2, "": 4}
