"""Writing registration workbooks (the spec's layout), from tidy frames.

Used by the demo data, the test fixtures and the blank template.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from . import instrument as ins

POPULATION_HEADER = ["Enkät", "Insats", "Målpopulation", "Tillfrågade", "Tackat nej", "Ej nåbara"]


def survey_header(version: int, survey: str) -> list[str]:
    background = ins.BACKGROUND.get(survey)
    questions = [f"F{q}" for q in ins.version_questions(version, survey).question]
    return ["Löpnr", "Insats", *([background] if background else []), *questions]


def _blank(value):
    return None if value is None or pd.isna(value) else value


def survey_rows(version: int, survey: str, respondents: pd.DataFrame, answers: pd.DataFrame) -> list[list]:
    """One row per respondent: Löpnr, Insats, (Kön|Arbetsgivare), F1..Fn."""
    qs = list(ins.version_questions(version, survey).question)
    wide = (answers[answers.respondent.isin(respondents.respondent)]
            .pivot(index="respondent", columns="question", values="code")
            .reindex(index=respondents.respondent, columns=qs))
    has_bg = survey in ins.BACKGROUND
    rows = []
    for i, (r, codes) in enumerate(zip(respondents.itertuples(index=False), wide.itertuples(index=False)), 1):
        row = [i, r.insats or None]
        if has_bg:
            row.append(_blank(r.background))
        row.extend(None if pd.isna(c) else int(c) for c in codes)
        rows.append(row)
    return rows


def write_registration(path: Path | str, forbund: str, year: int, respondents: pd.DataFrame,
                       answers: pd.DataFrame, population: pd.DataFrame, version: int | None = None) -> Path:
    """Write one förbund's workbook for a year.

    respondents: respondent, survey, insats, background; answers: respondent,
    question, code; population: survey, insats, malpopulation, tillfragade.
    """
    version = version or ins.default_version(year)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    info = wb.create_sheet("Uppgifter")
    info.append(["Samordningsförbund", forbund])
    info.append(["Mätår", year])
    info.append(["Enkätversion", version])
    pop = wb.create_sheet("Population")
    pop.append(POPULATION_HEADER)
    for r in population.itertuples(index=False):
        pop.append([r.survey, r.insats or None, _blank(r.malpopulation), _blank(r.tillfragade),
                    _blank(getattr(r, "tackat_nej", None)), _blank(getattr(r, "ej_nabara", None))])
    for survey in ins.surveys_of(version):
        sub = respondents[respondents.survey == survey]
        if sub.empty:
            continue
        ws = wb.create_sheet(survey)
        ws.append(survey_header(version, survey))
        for row in survey_rows(version, survey, sub, answers):
            ws.append(row)
    wb.save(path)
    return path
