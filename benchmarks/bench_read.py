"""How long reading and computing a large year takes, next to plain pandas reading.

Generates 200 registration workbooks (100 förbund × measurement years 2021 and
2022, about 200 returned questionnaires each, about 40 000 in all, with the
blanks real files have) into a temporary folder — not timed — and then times:

  (a) finsam:  reader.read_paths(folder)
               + year.year_figures(data, 2022).figures            (national level)
               + figures.distribution(data.tidy, level="forbund")  (every förbund)
  (b) plain:   pandas.read_excel(path, sheet_name=None, engine="openpyxl") for
               every file — reading only, no validation, no figures.

Run:  .venv/bin/python benchmarks/bench_read.py [--files 200] [--repeat 3] [--keep DIR]
Target: (a) under 10 s on a 2-core machine.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finsam_lib.figures import method as fig
from finsam_lib.figures.year import year_figures  # noqa: E402
from finsam_lib.instrument import definition as ins
from finsam_lib.registration.reader import read_paths  # noqa: E402
from finsam_lib.registration.workbook import write_registration  # noqa: E402

YEARS = (2021, 2022)
# Mean questionnaires per workbook and survey (sums to about 200).
MEAN_ROWS = {"Deltagare pågående": 70, "Deltagare avslut": 50, "Personal": 40, "Remittenter": 22,
             "Parternas chefsgrupp": 10, "Styrelse": 8}
INSATSER = ("Steget vidare", "Arbetsträning", "Unga in", "Nya vägar")


def _survey_frames(rng: np.random.Generator, version: int, survey: str, count: int, start: int):
    """Respondents and answers of one survey in one workbook, with realistic blanks."""
    qs = ins.version_questions(version, survey)
    ids = np.arange(start, start + count)
    if survey in ("Deltagare pågående", "Deltagare avslut"):
        background = rng.choice([1, 2, 3, 4, None], size=count, p=[0.52, 0.38, 0.03, 0.02, 0.05])
    elif survey == "Remittenter":
        background = rng.choice([1, 2, 3, 4, 5, None], size=count, p=[0.25, 0.2, 0.3, 0.15, 0.05, 0.05])
    else:
        background = [None] * count
    insats = (rng.choice(INSATSER[:2], size=count) if survey in ("Deltagare pågående", "Deltagare avslut")
              else [""] * count)
    respondents = pd.DataFrame({"respondent": ids, "survey": survey, "insats": insats,
                                "background": background})
    answers = []
    empty = rng.random(count) < 0.01  # a returned questionnaire with nothing answered
    tilt = rng.normal(0.6, 0.8, size=count)  # each respondent's general leaning
    for q, scale in zip(qs.question, qs.scale):
        if scale == "III":
            codes = np.where(rng.random(count) < 0.75, 1, 2)
        else:
            codes = np.clip(np.rint(4 + tilt + rng.normal(0, 1.1, size=count)), 1, 6).astype(int)
        blank = empty | (rng.random(count) < 0.04)  # internal missing answers
        answers.append(pd.DataFrame({"respondent": ids[~blank], "question": q, "code": codes[~blank]}))
    answers = pd.concat(answers, ignore_index=True)
    if survey == "Deltagare avslut":  # questions 9-10 skipped after Nej on question 8
        nej = set(answers.loc[(answers.question == 8) & (answers.code == 2), "respondent"])
        answers = answers[~(answers.question.isin([9, 10]) & answers.respondent.isin(nej))]
    return respondents, answers


def generate(folder: Path, files: int = 200, seed: int = 2022) -> int:
    """Write `files` workbooks; return the number of questionnaires written."""
    rng = np.random.default_rng(seed)
    per_year = max(1, files // len(YEARS))
    total = 0
    for year in YEARS:
        version = ins.default_version(year)
        for f in range(per_year):
            forbund = f"Samordningsförbundet {f + 1:03d}"
            resp, ans, pop = [], [], []
            start = 0
            for survey, mean in MEAN_ROWS.items():
                if survey not in ins.surveys_of(version):
                    continue
                count = max(1, int(rng.poisson(mean)))
                r, a = _survey_frames(rng, version, survey, count, start)
                start += count
                resp.append(r)
                ans.append(a)
                asked = count + int(rng.integers(0, count // 2 + 2))
                mal = None if survey == "Remittenter" else asked + int(rng.integers(0, asked + 1))
                pop.append({"survey": survey, "insats": "", "malpopulation": mal, "tillfragade": asked})
            respondents = pd.concat(resp, ignore_index=True)
            total += len(respondents)
            write_registration(folder / str(year) / f"forbund_{f + 1:03d}.xlsx", forbund, year,
                               respondents, pd.concat(ans, ignore_index=True), pd.DataFrame(pop), version)
    return total


def finsam_way(folder: Path, year: int):
    data = read_paths([folder])
    results = year_figures(data, year)
    results.figures
    by_forbund = fig.distribution(data.tidy, level="forbund")
    return data, results, by_forbund


def plain_way(folder: Path) -> int:
    rows = 0
    for path in sorted(folder.rglob("*.xlsx")):
        for frame in pd.read_excel(path, sheet_name=None, engine="openpyxl").values():
            rows += len(frame)
    return rows


def best_of(repeat: int, func, *args):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--files", type=int, default=200, help="workbooks to generate (default 200)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each way; the best is shown (default 3)")
    p.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it (default: a temp folder)")
    p.add_argument("--profile", action="store_true", help="print a cProfile of one finsam run")
    args = p.parse_args(argv)

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="finsam_bench_"))
    try:
        start = time.perf_counter()
        written = generate(folder, args.files)
        files = len(list(folder.rglob("*.xlsx")))
        print(f"Generated {files} workbooks, {written} questionnaires, in {folder} "
              f"({time.perf_counter() - start:.1f} s, not timed).")

        t_finsam, (data, results, by_forbund) = best_of(args.repeat, finsam_way, folder, YEARS[-1])
        assert not data.errors, data.errors[:5]
        assert len(data.respondents) + int(data.sheets.empty_rows.sum()) == written
        t_plain, rows = best_of(args.repeat, plain_way, folder)

        print(f"(a) finsam read_paths + year_figures({YEARS[-1]}) + distribution(forbund): {t_finsam:6.2f} s  "
              f"[{len(data.respondents)} responses, {len(data.answers)} answers, "
              f"{int(data.sheets.empty_rows.sum())} empty rows, {len(results.figures)} national figure rows, "
              f"{len(by_forbund)} förbund figure rows]")
        print(f"(b) pandas.read_excel(sheet_name=None, engine='openpyxl'), reading only: {t_plain:6.2f} s  "
              f"[{rows} rows]")
        print(f"ratio (a)/(b): {t_finsam / t_plain:.2f}   best of {args.repeat}; target (a) < 10 s: "
              f"{'met' if t_finsam < 10 else 'NOT met'}")
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(finsam_way, folder, YEARS[-1])
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
