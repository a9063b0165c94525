"""Förbund history: renames, mergers and splits, so that a förbund's trend continues its
predecessors' series.

The history is a small CSV file in the data folder, ``forbund-historik.csv`` (comma or
semicolon separated, UTF-8), one row per change::

    from_name,to_name,year,kind
    Bengtsfors Åmål Dals-Ed,"Bengtsfors, Åmål, Dals-Ed Säffle, Årjäng (BÅD-ESÅ)",2022,sammanslagning
    Säffle Årjäng,"Bengtsfors, Åmål, Dals-Ed Säffle, Årjäng (BÅD-ESÅ)",2022,sammanslagning
    Västerås stad,Västerås,2021,namnbyte

``year`` is the first measurement year under ``to_name``; ``kind`` is namnbyte,
sammanslagning or delning (a split: one row per part, each part continues the whole
predecessor's series). Changes chain: a förbund renamed twice follows both rows.

:func:`successors` is the one mapping, (förbund, year) → the förbund whose history that
year belongs to as of a report year; :func:`for_forbund` applies it to a dataset for one
förbund's figures — called only by :func:`figures.year.year_figures`, which every face (reports,
``results --forbund``, decks, the explorer) asks — and :func:`relabel_all` to every förbund at
once (``finsam status``, the inbox of a year). National figures never use it: they do not depend
on names.
:func:`unrecorded_renames` is ``validate``'s heuristic for a rename nobody wrote down.
"""
from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from finsam_lib.base.problems import ERROR, WARNING, Problem, cell_name
from finsam_lib.registration.reader import HISTORY_FILE, norm

FILE_NAME = HISTORY_FILE
KINDS = ("namnbyte", "sammanslagning", "delning")
COLUMNS = ("from_name", "to_name", "year", "kind")


@dataclass(frozen=True)
class Change:
    """One row of forbund-historik.csv (registration-file.md, "Beside the workbooks")."""
    from_name: str
    to_name: str
    year: int  # the first measurement year under to_name
    kind: str  # one of KINDS


# --- Reading --------------------------------------------------------------------------------------

def history_file(paths) -> Path | None:
    """The ``forbund-historik.csv`` of the data: in a given folder, or beside a given file."""
    for p in map(Path, [paths] if isinstance(paths, (str, Path)) else paths):
        folder = p if p.is_dir() else p.parent
        if (folder / FILE_NAME).is_file():
            return folder / FILE_NAME
    return None


def read_history(path: str | Path) -> tuple[list[Change], list[Problem]]:
    """The changes in a history file and the problems of its rows (Swedish, naming the cell);
    a bad row is left out, the others are kept."""
    path = Path(path)
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        return [], [Problem(ERROR, str(path), f"Filen kan inte läsas som UTF-8-text: {e}")]
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if text.split("\n", 1)[0].count(";") else ","))
    if not rows:
        return [], [Problem(WARNING, str(path), "Filen är tom.")]
    header = [norm(h) for h in rows[0]]
    if any(c not in header for c in COLUMNS):
        return [], [Problem(ERROR, str(path), f"Rubrikraden ska vara {','.join(COLUMNS)}; filen lästes inte.",
                            "", "A1")]
    col = {c: header.index(c) for c in COLUMNS}
    changes = []
    for r, row in enumerate(rows[1:], start=1):
        if not any(v.strip() for v in row):
            continue
        get = {c: (row[i].strip() if i < len(row) else "") for c, i in col.items()}
        where = lambda c: cell_name(r, col[c])  # noqa: E731
        if not get["from_name"] or not get["to_name"]:
            problems.append(Problem(ERROR, str(path), "Både from_name och to_name behövs; raden lästes inte.", "",
                                    where("from_name" if not get["from_name"] else "to_name")))
            continue
        try:
            year = int(get["year"])
        except ValueError:
            problems.append(Problem(ERROR, str(path), f"year ska vara ett årtal (första mätåret med det nya namnet), "
                                    f"inte '{get['year']}'; raden lästes inte.", "", where("year")))
            continue
        kind = get["kind"].casefold()
        if kind not in KINDS:
            problems.append(Problem(ERROR, str(path), f"kind ska vara {', '.join(KINDS)}, inte '{get['kind']}'; "
                                    "raden lästes inte.", "", where("kind")))
            continue
        if norm(get["from_name"]) == norm(get["to_name"]):
            problems.append(Problem(WARNING, str(path), "from_name och to_name är samma förbund; raden används inte.",
                                    "", where("to_name")))
            continue
        changes.append(Change(get["from_name"], get["to_name"], year, kind))
    return changes, problems


def load(paths) -> list[Change]:
    """The history of the data under ``paths`` ([] without a history file; bad rows left out —
    ``finsam validate`` lists them)."""
    path = history_file(paths)
    return read_history(path)[0] if path else []


def write_history(path: str | Path, changes: list[Change]) -> Path:
    """``changes`` as a forbund-historik.csv (UTF-8, comma-separated, a header row of
    :data:`COLUMNS`) at ``path``, its folder made if missing; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for c in changes:
            w.writerow([c.from_name, c.to_name, c.year, c.kind])
    return path


# --- The mapping ----------------------------------------------------------------------------------

def successors(history: list[Change], forbund: str, year: int, report_year: int) -> set[str]:
    """The förbund whose history (``forbund``, ``year``) is, as of ``report_year``: ``{forbund}``
    when no change after ``year`` and up to ``report_year`` concerns it; the parts of a split
    (delning) each get it. Names are matched case-, space- and accent-insensitively."""
    out: set[str] = set()

    def walk(name: str, since: int, depth: int = 0) -> None:
        later = [c for c in history if norm(c.from_name) == norm(name) and since < c.year <= report_year]
        if not later or depth > 50:
            out.add(name)
            return
        first = min(c.year for c in later)
        for c in later:
            if c.year == first:
                walk(c.to_name, c.year, depth + 1)

    walk(forbund, year)
    return out


def predecessors(history: list[Change], forbund: str, report_year: int) -> list[Change]:
    """The changes, up to ``report_year``, through which other names' years became ``forbund``'s
    (followed back through chains), oldest first."""
    found, todo, seen = [], [forbund], set()
    while todo:
        name = todo.pop()
        for c in history:
            if norm(c.to_name) == norm(name) and c.year <= report_year and c not in seen:
                seen.add(c)
                found.append(c)
                todo.append(c.from_name)
    return sorted(found, key=lambda c: (c.year, c.kind, c.from_name.casefold()))


def _names_map(frames, history, report_year, target) -> dict[tuple[str, int], str]:
    """{(name, year): new name} for the rows that ``target(successors)`` gives a new name."""
    pairs = set()
    for f in frames:
        if len(f):
            pairs |= set(zip(f.forbund.tolist(), f.year.astype(int).tolist()))
    out = {}
    for name, year in pairs:
        new = target(name, successors(history, name, year, report_year))
        if new is not None and new != name:
            out[(name, year)] = new
    return out


def _relabel_frame(frame: pd.DataFrame, mapping: dict, shared: set) -> pd.DataFrame:
    if not len(frame) or not mapping:
        return frame
    keys = list(zip(frame.forbund.tolist(), frame.year.astype(int).tolist()))
    out = frame.assign(forbund=[mapping.get(k, k[0]) for k in keys])
    if "insats" in frame.columns and shared:
        # Several förbund become one that year (a merger): their insatser stay apart, named
        # after the predecessor, so that responses still meet their own population rows.
        out["insats"] = [f"{k[0]}: {i}" if i else k[0] if k in mapping and (mapping[k], k[1]) in shared else i
                         for k, i in zip(keys, frame.insats.tolist())]
    return out


def _relabelled(data, mapping: dict):
    if not mapping:
        return data
    sources: dict = {}  # (new name, year) -> the names whose rows become it
    for (name, year), new in mapping.items():
        sources.setdefault((new, year), set()).add(name)
    own = {(n, int(y)) for f in (data.respondents, data.population) for n, y in zip(f.forbund, f.year)}
    shared = {k for k, names in sources.items() if len(names) + (k in own) > 1}
    return replace(data, respondents=_relabel_frame(data.respondents, mapping, shared),
                   population=_relabel_frame(data.population, mapping, shared),
                   sheets=_relabel_frame(data.sheets, mapping, shared))


def for_forbund(data, history: list[Change], forbund: str, report_year: int):
    """The dataset as ``forbund``'s report of ``report_year`` sees it: its predecessors' rows
    carry its name (answers, population and row counts), every other row is as read. In a year
    where several names become one (a merger), their insatser are prefixed with the old name
    ('Säffle Årjäng: Kompassen') so response rates still pair each insats with its own population row.
    Distributions and response rates of every year stay as without the view; only the number of
    förbund in years before a merger counts the merged ones as one.

    ``data``: a reader.Dataset; returns the same object when ``forbund`` has no predecessors
    (so per-dataset caches stay warm; nothing is mapped), else a new Dataset (its ``tidy`` follows)."""
    if not predecessors(history, forbund, report_year):
        return data
    mapping = _names_map([data.respondents, data.population], history, report_year,
                         lambda name, succ: forbund if forbund in succ else None)
    return _relabelled(data, mapping)


def relabel_all(data, history: list[Change], report_year: int):
    """Every förbund's predecessors' rows under the förbund's name as of ``report_year`` (the
    inbox of `finsam status`). A split predecessor (several successors) keeps its own name."""
    if not history:
        return data
    mapping = _names_map([data.respondents, data.population], history, report_year,
                         lambda name, succ: next(iter(succ)) if len(succ) == 1 else None)
    return _relabelled(data, mapping)


def note(history: list[Change], forbund: str, report_year: int, first_year: int | None = None) -> str:
    """A sentence (Swedish) naming the predecessors whose years are shown as ``forbund``'s own;
    '' when there are none (or all their changes came before ``first_year``, the first year shown)."""
    changes = [c for c in predecessors(history, forbund, report_year)
               if first_year is None or c.year > first_year]
    if not changes:
        return ""
    from finsam_lib.base import format as fmt

    parts = []
    groups: dict[tuple, list[str]] = {}
    for c in changes:
        groups.setdefault((c.year, c.kind, c.to_name), []).append(c.from_name)
    for (year, kind, to), froms in groups.items():
        names = fmt.join_words(froms)
        if kind == "namnbyte":
            parts.append(f"{names} bytte namn till {to} {year}")
        elif kind == "sammanslagning":
            parts.append(f"{names} gick samman i {to} {year}")
        else:
            parts.append(f"{names} delades {year}, och {to} är en av delarna")
    before = fmt.join_words(sorted({c.from_name for c in changes}, key=str.casefold))
    return (f"Förbundets historik: {'; '.join(parts)}. Svaren från {before} åren före förändringen redovisas "
            "här som förbundets egna, så att utvecklingen kan följas; riket påverkas inte.")


# --- validate's heuristic -------------------------------------------------------------------------

# Words too common in förbund names to say two names are the same förbund.
COMMON_WORDS = {"norra", "sodra", "ostra", "vastra", "mellersta", "nordvastra", "nordostra", "sydvastra",
                "sydostra", "nedre", "ovre", "inre", "centrala", "samordningsforbund", "samordningsforbundet",
                "och", "lan", "stad", "kommun", "region", "finsam"}


def _words(name: str) -> set[str]:
    import re

    return {w for w in re.split(r"[^a-z0-9]+", norm(name)) if len(w) >= 4 and w not in COMMON_WORDS}


def looks_alike(a: str, b: str) -> bool:
    """Two förbund names that may be one förbund renamed: they share a distinctive word (4+
    letters, not a compass word such as Norra or a common one such as Samordningsförbund), or
    are ≥ 80 % alike as text (difflib)."""
    return bool(_words(a) & _words(b)) or difflib.SequenceMatcher(None, norm(a), norm(b)).ratio() >= 0.8


def unrecorded_renames(data, history: list[Change], where: str = FILE_NAME) -> list[Problem]:
    """Warnings for a förbund that has responses one measurement year, none the next year with
    responses, while a new förbund with a similar name (:func:`looks_alike`) appears that year —
    unless the history already links them (any change from the old name up to that year)."""
    from finsam_lib.base import format as fmt

    resp = data.respondents
    by_year = {int(y): set(g) for y, g in resp.groupby("year").forbund}
    years = sorted(by_year)
    problems = []
    for before, year in zip(years, years[1:]):
        gone = by_year[before] - by_year[year]
        new = by_year[year] - by_year[before]
        for old in sorted(gone, key=str.casefold):
            if any(norm(c.from_name) == norm(old) and c.year <= year for c in history):
                continue
            for name in sorted(new, key=str.casefold):
                if looks_alike(old, name):
                    problems.append(Problem(WARNING, where, (
                        f"'{old}' har svar {before} men inte {year}, och '{name}' har svar {year} men inte {before}. "
                        f"Är det samma förbund med nytt namn? Skriv i så fall raden '{old},{name},{year},namnbyte' "
                        f"i {FILE_NAME} i datamappen, så fortsätter {fmt.genitive(name)} rapport "
                        f"{fmt.genitive(old)} tidsserie.")))
    return problems


def check(data, paths) -> list[Problem]:
    """``validate``'s look at the history: the history file's own problems, names in it that the
    data never have, and :func:`unrecorded_renames`."""
    path = history_file(paths)
    history, problems = read_history(path) if path else ([], [])
    names = {norm(n) for n in data.respondents.forbund.unique()}
    for c in history:
        for name in (c.from_name, c.to_name):
            if norm(name) not in names:
                problems.append(Problem(WARNING, str(path), f"'{name}' ({c.kind} {c.year}) har inga svar i data; "
                                        "stämmer stavningen?"))
    return problems + unrecorded_renames(data, history, str(path) if path else FILE_NAME)
