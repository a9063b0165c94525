"""The drafted prose (issue 14, item 2; finsam_lib/present/prose.py): a difference or a change is called
one only when it is beyond chance; the same shares with more answers are; the combined development
rule is stated once, in the method chapter, not in every "Kommentar till resultatet"."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from finsam_lib.figures import method as fig
from finsam_lib.figures import uncertainty as unc
from finsam_lib.present import prose

YEAR, PREVIOUS = 2022, 2021


def _row(year, survey, question, indicator, group, positive, n):
    """A distribution row whose nyckeltal is ``positive`` of ``n`` klart positiva answers (code 6),
    the rest code 1."""
    counts = {f"code_{c}": 0 for c in fig.CODES}
    counts["code_6"], counts["code_1"] = positive, n - positive
    pct = round(100 * positive / n)
    return {"year": year, "forbund": None, "survey": survey, "series": f"{survey}|{question}", "version": 2021,
            "question": question, "indicator": indicator, "scale": "I", "key": "klart", "group": group, **counts,
            "n": n, "negativt_pct": 100 - pct, "varken_pct": 0, "positivt_pct": pct, "klart_positivt_pct": pct,
            "nyckeltal_pct": float(pct), "suppressed": False}


def _frame(scale: int) -> pd.DataFrame:
    """Indicator 3 asked of deltagare (pågående, avslut: with a gender split) and personal. Last
    year 50 % everywhere; this year pågående 65 %, avslut 50 %, personal 40 %, kvinnor 50 % and män
    80 % — with ``scale`` = 1 (20 answers a group) none of it is beyond chance, with 20 it all is."""
    n = 20 * scale
    rows = []
    for survey in ("Deltagare pågående", "Deltagare avslut"):
        rows += [_row(PREVIOUS, survey, 3, 3, "samtliga", n // 2, n)]
        rows += [_row(PREVIOUS, survey, 3, 3, g, n // 4, n // 2) for g in ("kvinnor", "män")]
    rows += [_row(PREVIOUS, "Personal", 1, 3, "samtliga", n // 2, n)]
    now = {"Deltagare pågående": 13, "Deltagare avslut": 10}
    for survey, positive in now.items():
        rows += [_row(YEAR, survey, 3, 3, "samtliga", positive * scale, n),
                 _row(YEAR, survey, 3, 3, "kvinnor", (positive - 8 if survey.endswith("pågående") else 5) * scale,
                      n // 2),
                 _row(YEAR, survey, 3, 3, "män", (8 if survey.endswith("pågående") else 5) * scale, n // 2)]
    rows += [_row(YEAR, "Personal", 1, 3, "samtliga", 8 * scale, n)]
    return unc.with_intervals(pd.DataFrame(rows))


def _comment(scale: int) -> str:
    dist = _frame(scale)
    trend = unc.development(dist, YEAR, PREVIOUS)
    paragraphs = prose.indicator_comment(dist, 3, YEAR, PREVIOUS, trend)
    now = dist[dist.year == YEAR]
    chapter = [s for p in prose.questions_chapter(now, YEAR) for s in p]
    return " ".join(paragraphs + chapter)


DIFFERENCE_WORDS = ["ökat", "minskat", "högre", "lägre", "svarar olika", "skiljer sig svaren", "Värt att följa upp",
                    "större än slumpen kan förklara på"]


def test_a_difference_not_beyond_chance_is_never_called_a_difference():
    """15 pp up on pågående, 10 pp down on personal, men 30 pp above women, deltagare 25 pp above
    personal: with 20 answers a group none of it is beyond chance, so none of it is an increase, a
    decrease, a gap or worth following up."""
    text = _comment(1)
    assert not [w for w in DIFFERENCE_WORDS if w in text], text
    assert "Ingen skillnad mellan könen är större än att den kan bero på slumpen" in text
    # Nor is a 15–30 pp gap "the same level": with few answers it only may be chance.
    assert "samma nivå" not in text and "med få svar kan även en stor skillnad i procent bero på slumpen" in text


def test_the_same_shares_with_more_answers_are_called_differences():
    text = _comment(20)
    assert "ökat på pågåendeenkätens fråga 3 (från 50\u00a0% till 65\u00a0%)" in text
    assert "Män svarar klart positivt i högre utsträckning än kvinnor på pågåendeenkätens fråga 3" in text
    assert "Deltagarna svarar klart positivt i högre utsträckning än personalen" in text
    assert "vid avslut är nyckeltalet lägre för fråga 3" in text
    assert ("Värt att följa upp är minskningen på personalens fråga 1 och skillnaden mellan kvinnors och mäns svar på "
            "pågåendeenkätens fråga 3.") in text


@pytest.fixture(scope="module")
def reports(demo_2021_2022):
    from finsam_lib.present.forbund_report import ForbundReport
    from finsam_lib.present.report import NationalReport
    from finsam_lib.registration.reader import read_paths
    data = read_paths([demo_2021_2022])
    counts = data.respondents[data.respondents.year == YEAR].forbund.value_counts()
    return NationalReport(data, YEAR), ForbundReport(data, counts.index[0], YEAR)


def test_the_rule_is_stated_once_in_the_method_chapter_not_in_the_comments(reports):
    national, forbund = reports
    for report in reports:
        soup = BeautifulSoup("".join(b.html for b in report.sections()), "html.parser")
        comments = [c.get_text(" ", strip=True) for c in soup.select("div.comment")]
        assert len(comments) > 5
        assert not [c for c in comments if "gräns" in c or "±" in c or "procentenheter per" in c]
    method = national.method().html
    assert "Analysmetod och redovisning av data" in method and "±4 procentenheter" in method
    assert "Wilsons intervall" in method and "Newcombes metod" in method


def test_the_comment_says_what_the_tables_show(reports):
    """Every percentage a national comment names is one of the indicator's shown figures."""
    national, _ = reports
    for i in (1, 3, 9):
        shown = national.f.dist[(national.f.dist.indicator == i) & national.f.dist.year.isin([YEAR, YEAR - 1])]
        values = {int(v) for v in shown.nyckeltal_pct.dropna()}
        soup = BeautifulSoup(national.indicator(i).html, "html.parser")
        text = soup.select_one("div.comment").get_text(" ", strip=True)
        named = {int(m) for m in re.findall(r"(\d+)\u00a0%", text)} - {prose.HIGH_PCT}
        assert named and named <= values, (i, named - values)
