"""Data-quality flags and collection progress: what a coordinator checks before the reports.

Pure functions over the reader's tidy frames (``respondents``, ``answers``, ``population``,
``distribution``); nothing here knows how it is shown (``status.py`` renders it). Each flag
says in plain Swedish what looks odd and what to check.

Flags (``KINDS``), each worded for one förbund:

- ``bortfall``: internal non-response (the 2022 report's "internt bortfall", the share of
  respondents leaving a question blank; nationally mostly under 5 %, at most 12–13 %) above
  ``BORTFALL_SHARE`` for a question asked of at least ``MIN_ASKED`` respondents. Questions 9–10
  of Deltagare avslut count only respondents who did not answer Nej (2) on question 8.
- ``samma_svar``: straight-lining, the share of questionnaires with the same code on every
  six-point question (at least ``SAME_MIN_QUESTIONS`` answered) above ``SAME_SHARE``.
- ``population``: answers > Tillfrågade, Tillfrågade > Målpopulation, or answers with no
  Tillfrågade (method.md, "Responses and n").
- ``dubblett``: the same questionnaire row twice (same survey, background and every answer),
  within or across workbooks, when chance would explain such a pair less than once in
  ``1 / DUPLICATE_CHANCE`` förbund (question-wise code frequencies of the year's survey).
- ``saknas``: a förbund with answers last year and no workbook this year.

The thresholds were set against the demo data (``finsam demo``, 2018–2022): none of its
förbund is flagged for bortfall, samma_svar or dubblett in any year (largest values there: bortfall 53 %,
samma svar 39 %, chance of the likeliest duplicate pair about 10^−3).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.figures import method as fig
from finsam_lib.instrument import definition as ins
from finsam_lib.registration.utdelning import EJ_AKTUELL, EJ_SVARAT, STATUSES, SVARAT, TACKAT_NEJ

KINDS = {
    "saknas": "Ingen fil i år",
    "population": "Populationen går inte ihop",
    "dubblett": "Samma enkät två gånger",
    "samma_svar": "Samma svar på alla frågor",
    "bortfall": "Högt internt bortfall",
}
BORTFALL_SHARE = 0.6
MIN_ASKED = 10
SAME_SHARE = 0.5
SAME_MIN_QUESTIONS = 4
DUPLICATE_MIN_ANSWERED = 6
DUPLICATE_CHANCE = 1e-5
SKIP_AFTER_NO = ("Deltagare avslut", 8, (9, 10))  # survey, filter question, questions it skips


@dataclass(frozen=True)
class Flag:
    """One data-quality flag: a förbund, a kind (``KINDS``), the message, and where to look."""
    forbund: str
    kind: str
    message: str
    survey: str = ""
    file: str = ""
    sheet: str = ""

    @property
    def label(self) -> str:
        """The kind as the status page names it (Swedish)."""
        return KINDS[self.kind]

    @property
    def where(self) -> str:
        """File and sheet to look in, 'fil.xlsx, Blad' ('' when neither is known)."""
        return ", ".join(x for x in (self.file, self.sheet) if x)


def _pct(share: float) -> str:
    return fmt.percent(share * 100)


def _rows_text(rows: pd.DataFrame, limit: int = 3) -> str:
    """'fil.xlsx, Personal rad 4, 9 och 12' for a few respondents (columns file, sheet, row);
    'rad 4, 9, 12 med flera' when there are more than ``limit``."""
    parts = []
    for (file, sheet), g in rows.groupby(["file", "sheet"], sort=False):
        nums = [str(r) for r in g.row.tolist()[:limit]]
        if len(g) > limit:
            listed = f"{', '.join(nums)} med flera"
        else:
            listed = nums[0] if len(nums) == 1 else f"{', '.join(nums[:-1])} och {nums[-1]}"
        parts.append(f"{Path(file).name}, {sheet} rad {listed}")
    return "; ".join(parts)


def wide(respondents: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent (index), one column per question number, codes as floats (NaN = blank)."""
    sub = answers[answers.respondent.isin(respondents.respondent)]
    table = sub.pivot(index="respondent", columns="question", values="code")
    return table.reindex(index=respondents.respondent).astype(float)


def _survey_groups(respondents: pd.DataFrame, answers: pd.DataFrame):
    """(survey, version, its respondents, their answers wide over the version's questions)."""
    w = wide(respondents, answers)
    for (survey, version), g in respondents.groupby(["survey", "version"], sort=False):
        qs = ins.version_questions(int(version), survey)
        yield survey, int(version), qs, g, w.reindex(index=g.respondent, columns=list(qs.question))


def _first_place(g: pd.DataFrame) -> tuple[str, str]:
    return str(g.file.iloc[0]), str(g.sheet.iloc[0])


def internal_nonresponse(respondents: pd.DataFrame, answers: pd.DataFrame, year: int,
                         share: float = BORTFALL_SHARE, min_asked: int = MIN_ASKED) -> list[Flag]:
    """Questions a förbund's respondents left blank more often than ``share`` (0–1)."""
    resp = respondents[respondents.year == year]
    flags = []
    for survey, _, qs, g, w in _survey_groups(resp, answers):
        asked = pd.DataFrame(True, index=w.index, columns=w.columns)
        if survey == SKIP_AFTER_NO[0] and SKIP_AFTER_NO[1] in w:
            for q in SKIP_AFTER_NO[2]:
                if q in asked:
                    asked[q] = w[SKIP_AFTER_NO[1]].to_numpy() != 2
        blank = w.isna() & asked
        forbund = g.forbund.to_numpy()
        n = asked.groupby(forbund).sum()
        missing = blank.groupby(forbund).sum()
        national = missing.sum() / n.sum().replace(0, np.nan)
        for name in n.index:
            for q in w.columns:
                k, m = int(n.at[name, q]), int(missing.at[name, q])
                if k < min_asked or m / k <= share:
                    continue
                rows = g[g.forbund == name]
                flags.append(Flag(name, "bortfall", (
                    f"Fråga {q} i {survey} är obesvarad i {m} av {k} enkäter ({_pct(m / k)}; i alla förbund "
                    f"i data {_pct(national[q])}). Kontrollera att kolumnen F{q} är inmatad för alla enkäter "
                    "på bladet, och att svaren står i rätt kolumn."), survey, *_first_place(rows)))
    return flags


def straight_lining(respondents: pd.DataFrame, answers: pd.DataFrame, year: int,
                    share: float = SAME_SHARE, min_n: int = MIN_ASKED,
                    min_questions: int = SAME_MIN_QUESTIONS) -> list[Flag]:
    """Förbund and surveys where more than ``share`` of the questionnaires give the same code
    to every six-point question (at least ``min_questions`` of them answered)."""
    resp = respondents[respondents.year == year]
    flags = []
    for survey, _, qs, g, w in _survey_groups(resp, answers):
        six = w[list(qs.loc[qs.scale != "III", "question"])]
        enough = six.notna().sum(axis=1) >= min_questions
        same = enough & (six.nunique(axis=1) == 1)
        forbund = g.forbund.to_numpy()
        counts = pd.DataFrame({"n": enough.to_numpy(), "same": same.to_numpy()}).groupby(forbund).sum()
        for name, c in counts.iterrows():
            if c.n < min_n or c.same / c.n <= share:
                continue
            rows = g[(g.forbund == name).to_numpy() & same.to_numpy()]
            flags.append(Flag(name, "samma_svar", (
                f"{c.same} av {c.n} enkäter i {survey} ({_pct(c.same / c.n)}) har samma svar på alla frågor, "
                f"t.ex. {_rows_text(rows)}. Det kan stämma, men kontrollera mot pappersenkäterna att svaren "
                "inte har kopierats eller fyllts nedåt i Excel."), survey, *_first_place(rows)))
    return flags


def duplicate_rows(respondents: pd.DataFrame, answers: pd.DataFrame, year: int,
                   chance: float = DUPLICATE_CHANCE, min_answered: int = DUPLICATE_MIN_ANSWERED) -> list[Flag]:
    """Questionnaires that appear twice in a förbund's data (any workbook, any insats).

    Two rows count as the same questionnaire when survey, background code and every answer
    agree, at least ``min_answered`` questions are answered, the answers are not all the same
    code, and the expected number of such chance matches in the förbund, (n − 1) × Π p(code),
    with p the year's national share of each question's code (blank included), is below ``chance``.
    """
    resp = respondents[respondents.year == year]
    flags = []
    for survey, _, qs, g, w in _survey_groups(resp, answers):
        codes = w.fillna(0).astype(int)
        logp = np.zeros(len(codes))
        for q in codes.columns:
            freq = codes[q].value_counts(normalize=True)
            logp += np.log10(codes[q].map(freq).to_numpy())
        size = g.groupby("forbund").forbund.transform("size").to_numpy()
        log_expected = np.log10(np.maximum(size - 1, 1)) + logp
        answered = (codes > 0).sum(axis=1).to_numpy()
        varied = w.nunique(axis=1).to_numpy() > 1
        rare = (answered >= min_answered) & varied & (log_expected < math.log10(chance))
        if not rare.any():
            continue
        cand = g[rare].assign(key=[tuple(r) for r in codes[rare].itertuples(index=False)],
                              bg=g.background[rare].fillna(-1).astype(int).to_numpy())
        dup = cand[cand.duplicated(["forbund", "bg", "key"], keep=False)]
        for name, rows in dup.groupby("forbund", sort=False):
            pairs = rows.groupby(["bg", "key"], sort=False).size()
            flags.append(Flag(name, "dubblett", (
                f"{len(pairs)} enkät{'er' if len(pairs) > 1 else ''} i {survey} finns två gånger eller fler, med "
                f"exakt samma svar på varje fråga: {_rows_text(rows, limit=4)}. Är samma enkät inmatad två "
                "gånger (kanske i två filer)? Ta i så fall bort den ena raden."), survey, *_first_place(rows)))
    return flags


def _what(survey: str, insats) -> str:
    return f"{survey}" + (f", insats {insats}" if isinstance(insats, str) and insats else "")


def population_flags(respondents: pd.DataFrame, population: pd.DataFrame, year: int) -> list[Flag]:
    """Population figures that do not add up (method.md, "Responses and n")."""
    units = fig.population_units(respondents[respondents.year == year], population[population.year == year])
    flags = []
    for u in units.itertuples(index=False):
        what = _what(u.survey, u.insats)
        place = ("" if pd.isna(u.file) else u.file, "" if pd.isna(u.sheet) else u.sheet)
        cell = "" if pd.isna(getattr(u, "tillfragade_cell", None)) else f"!{u.tillfragade_cell}"
        at = f" ({Path(place[0]).name}, {place[1]}{cell})" if place[1] else ""
        if pd.isna(u.tillfragade):
            if u.antal_svar:
                flags.append(Flag(u.forbund, "population", (
                    f"{what}: {u.antal_svar} svar men ingen uppgift om Tillfrågade, så svarsfrekvensen kan inte "
                    "räknas. Fyll i Tillfrågade för enkäten (och insatsen) på bladet Population, eller fyll i "
                    "bladet Utdelning så räknas Tillfrågade fram därifrån."), u.survey, *place))
            continue
        if u.antal_svar > u.tillfragade:
            flags.append(Flag(u.forbund, "population", (
                f"{what}: fler svar ({u.antal_svar}) än tillfrågade ({u.tillfragade}){at}. Kontrollera "
                "Tillfrågade, och att inga svar är inmatade två gånger."), u.survey, *place))
        if pd.notna(u.malpopulation) and u.tillfragade > u.malpopulation:
            flags.append(Flag(u.forbund, "population", (
                f"{what}: fler tillfrågade ({u.tillfragade}) än målpopulationen ({u.malpopulation}){at}. "
                "Målpopulationen är alla som kunde ha tillfrågats; kontrollera båda siffrorna."), u.survey, *place))
    return flags


def missing_forbund(respondents: pd.DataFrame, year: int, present) -> list[Flag]:
    """Förbund with answers the year before and no workbook this year (``present``: the names
    of the förbund that have a workbook for ``year``; compared case- and space-insensitively)."""
    from finsam_lib.registration.reader import norm
    have = {norm(n) for n in present}
    before = respondents[respondents.year == year - 1].groupby("forbund").size()
    return [Flag(name, "saknas", (
        f"Förbundet lämnade {fmt.number(n)} enkätsvar för mätår {year - 1} men har ingen registreringsfil för "
        f"mätår {year} här. Har filen inte kommit in än, står fel Mätår i den, eller har förbundet bytt namn?"))
        for name, n in before.items() if norm(name) not in have]


def all_flags(respondents: pd.DataFrame, answers: pd.DataFrame, population: pd.DataFrame, year: int,
              present) -> list[Flag]:
    """Every flag for ``year``, in the order of ``KINDS``."""
    flags = (missing_forbund(respondents, year, present) + population_flags(respondents, population, year)
             + duplicate_rows(respondents, answers, year) + straight_lining(respondents, answers, year)
             + internal_nonresponse(respondents, answers, year))
    order = list(KINDS)
    unique, seen = [], set()  # one flag per message: two copies of a Population row give one
    for f in flags:
        if (f.forbund, f.kind, f.survey, f.message) not in seen:
            seen.add((f.forbund, f.kind, f.survey, f.message))
            unique.append(f)
    return sorted(unique, key=lambda f: order.index(f.kind))


def flag_counts(flags: list[Flag]) -> dict[str, int]:
    """{kind: number of flags} for every kind, in the order of ``KINDS``."""
    return {kind: sum(f.kind == kind for f in flags) for kind in KINDS}


# --- Answers and response rates per förbund ---------------------------------------------------

def answers_by_year(respondents: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per förbund and survey (and ``Totalt``): ``i_ar`` answers this year, ``forra_aret`` the
    year before, ``forandring_pct`` the change in percent (NaN where last year had none)."""
    resp = respondents[respondents.year.isin([year, year - 1])]
    counts = resp.groupby(["forbund", "survey", "year"]).size().unstack("year").reindex(columns=[year, year - 1])
    total = resp.groupby(["forbund", "year"]).size().unstack("year").reindex(columns=[year, year - 1])
    total.index = pd.MultiIndex.from_arrays([total.index, [fig.TOTAL] * len(total)], names=["forbund", "survey"])
    table = pd.concat([counts, total]).fillna(0).astype(int)
    table.columns = ["i_ar", "forra_aret"]
    last = table.forra_aret.replace(0, np.nan)
    table["forandring_pct"] = (table.i_ar - table.forra_aret) / last * 100
    return table.reset_index()


def response_rates(respondents: pd.DataFrame, population: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per förbund: ``antal_svar``, ``tillfragade`` and ``svar_av_tillfragade_pct`` over the
    population units that give Tillfrågade (method.md: "andel svar: undersökt")."""
    units = fig.population_units(respondents[respondents.year == year], population[population.year == year])
    has = units[units.tillfragade.notna()]
    out = has.groupby("forbund").agg(antal_svar=("antal_svar", "sum"), tillfragade=("tillfragade", "sum"))
    out["svar_av_tillfragade_pct"] = [fig.percent(a, t) if t else np.nan
                                      for a, t in zip(out.antal_svar, out.tillfragade)]
    return out.reset_index()


# --- During the year: the Utdelning log ---------------------------------------------------------

PROGRESS_COLUMNS = ["forbund", "survey", "insats", "tillfragade", "svarat", "tackat_nej", "ej_svarat",
                    "ej_aktuell", "svar_pct"]


def collection_progress(distribution: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per förbund, survey and insats: the Utdelning rows by status, Tillfrågade (rows not
    Ej aktuell) and the response rate so far (Svarat / Tillfrågade, whole percent)."""
    d = distribution[distribution.year == year]
    if d.empty:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    by = d.groupby(["forbund", "survey", "insats", "status"]).size().unstack("status")
    by = by.reindex(columns=list(STATUSES)).fillna(0).astype(int)
    out = pd.DataFrame({
        "tillfragade": by[[SVARAT, TACKAT_NEJ, EJ_SVARAT]].sum(axis=1), "svarat": by[SVARAT],
        "tackat_nej": by[TACKAT_NEJ], "ej_svarat": by[EJ_SVARAT], "ej_aktuell": by[EJ_AKTUELL]})
    out["svar_pct"] = [fig.percent(s, t) if t else np.nan for s, t in zip(out.svarat, out.tillfragade)]
    order = {s: i for i, s in enumerate(ins.REPORT_ORDER)}
    out = out.reset_index()
    out = out.sort_values(["forbund", "survey", "insats"], key=lambda s: s.map(order) if s.name == "survey"
                          else s.str.casefold())
    return out[PROGRESS_COLUMNS].reset_index(drop=True)


REMINDER_COLUMNS = ["forbund", "survey", "insats", "lopnr", "utdelad", "dagar", "file", "sheet", "row"]


def reminders_due(distribution: pd.DataFrame, year: int, today: dt.date, days: int = 14) -> pd.DataFrame:
    """Questionnaires handed out more than ``days`` days before ``today``, not answered
    (Status Ej svarat or blank), with no Datum påminnelse; oldest first. ``dagar`` = days since."""
    d = distribution[(distribution.year == year) & (distribution.status == EJ_SVARAT)
                     & distribution.utdelad.notna() & distribution.paminnelse.isna()]
    if d.empty:
        return pd.DataFrame(columns=REMINDER_COLUMNS)
    d = d.assign(dagar=[(today - u).days for u in d.utdelad])
    d = d[d.dagar > days].sort_values(["forbund", "dagar"], ascending=[True, False])
    return d[REMINDER_COLUMNS].reset_index(drop=True)
