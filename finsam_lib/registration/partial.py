"""A year whose files are partly broken: which förbund have errors, and the data without them.

Used by ``finsam batch`` (the reports of every förbund whose files are valid) and by the
national report with ``--exclude-invalid`` (spec: registration-file.md; issue 11).
"""
from __future__ import annotations

from finsam_lib.base.problems import Problem
from finsam_lib.registration.reader import Dataset

UNKNOWN = ""  # files whose förbund could not be read (unreadable, no Uppgifter, no name)


def errors_by_forbund(data: Dataset) -> dict[str, list[Problem]]:
    """{förbund: its errors}, in Swedish alphabetical order; UNKNOWN ('') holds the errors of
    files whose förbund is not known (a file that cannot be read, a .xlsb in the folder …)."""
    out: dict[str, list[Problem]] = {}
    for p in data.errors:
        out.setdefault(data.forbund_of_file.get(p.file, UNKNOWN), []).append(p)
    return dict(sorted(out.items(), key=lambda kv: kv[0].casefold()))


def national_report_plan(invalid: dict[str, list[Problem]], wanted: bool, exclude_invalid: bool) -> tuple[bool, str]:
    """Whether the batch writes the national report, and the Swedish note that says why not or
    what it leaves out: with errors in any file it is written only with ``exclude_invalid``
    (then without those förbund, named in the note); ``invalid`` as :func:`errors_by_forbund`."""
    from finsam_lib.base.format import join_words
    if not invalid or not wanted:
        return wanted, ""
    if not exclude_invalid:
        return False, ("Den nationella rapporten skrevs inte: registreringsfilerna har fel. Rätta dem, eller kör "
                       "med --exclude-invalid för en nationell rapport utan förbunden med fel.")
    left_out = [n for n in invalid if n != UNKNOWN]
    return True, ("Den nationella rapporten är gjord utan " + (join_words(left_out) or "de oläsbara filerna")
                  + " (--exclude-invalid): registreringsfilerna har fel.")


def without_invalid(data: Dataset) -> Dataset:
    """The dataset without every förbund that has an error in any of its files, and without the
    files whose förbund is unknown; ``excluded`` names the förbund left out."""
    bad = errors_by_forbund(data)
    if not bad:
        return data
    names = set(bad) - {UNKNOWN}
    resp = data.respondents[~data.respondents.forbund.isin(names)]
    answers = data.answers[data.answers.respondent.isin(set(resp.respondent))]
    population = data.population[~data.population.forbund.isin(names)]
    sheets = data.sheets[~data.sheets.forbund.isin(names)]
    dropped = {f for f, name in data.forbund_of_file.items() if name in bad}

    def kept(p: Problem) -> bool:
        owner = data.forbund_of_file.get(p.file, UNKNOWN)
        return owner not in bad and p.file not in dropped

    problems = [p for p in data.problems if kept(p)]
    files = [f for f in data.files if f not in dropped]
    return Dataset(answers.reset_index(drop=True), resp.reset_index(drop=True), population.reset_index(drop=True),
                   sheets.reset_index(drop=True), problems, files,
                   distribution=data.distribution[~data.distribution.forbund.isin(names)].reset_index(drop=True),
                   forbund_of_file={f: n for f, n in data.forbund_of_file.items() if f not in dropped},
                   excluded=sorted(names, key=str.casefold))


def problems_text(problems: list[Problem], limit: int = 5) -> list[str]:
    """One line per problem: 'file, sheet!cell: message', at most ``limit`` and a count of the rest."""
    lines = [f"{p.where}: {p.message}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"… och {len(problems) - limit} fel till.")
    return lines
