"""A year's figures: THE entry point every output takes its figures from.

:func:`year_figures` gives, for the registration files (paths) or a read :class:`Dataset`, a
measurement year, optionally a förbund, and ``min_n``, one :class:`YearFigures`: the
distributions with the disclosure policy applied once (:func:`privacy.disclose`), response and
bortfall, the trend (Tabell 20), the changes with their intervals, and, for a förbund, the
national comparison. Reports (national and förbund), decks, the explorer, the batch index and
``finsam results`` all ask here, so every face shows the same numbers.

The förbund history (``forbund-historik.csv``: renames, mergers, splits) is applied here and
nowhere else: a förbund's figures include its predecessors' years (:func:`history.for_forbund`).
National figures never depend on names.

ONE cache holds the datasets and the figures, keyed on the files' resolved paths,
modification times and sizes (and the history file's), with year, förbund and min_n: a batch
worker or the explorer reads the files and computes the national figures once; a changed file
is read again. A Dataset given directly is keyed on its identity. Everything in a YearFigures
is computed lazily and once (``functools.cached_property``); treat its frames as read-only.
"""
from __future__ import annotations

import os
import pickle
import stat
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from finsam_lib.base.errors import FinsamError
from finsam_lib.figures import insats as isx
from finsam_lib.figures import method as fig
from finsam_lib.figures import uncertainty as unc
from finsam_lib.figures.every_forbund import EveryForbund, shown_distribution
from finsam_lib.figures.results import FIGURES_CSV_COLUMNS, figures_csv, write_results
from finsam_lib.instrument import definition as ins
from finsam_lib.registration import history as hist
from finsam_lib.registration.names import match_forbund
from finsam_lib.registration.reader import Dataset, find_files, read_paths

INDEX = ["survey", "series", "group", "year"]  # how YearFigures.indexed looks rows up


class DataError(FinsamError, ValueError):
    """The data cannot give the figures asked for (message in Swedish: the year or förbund
    missing, or the registration files have errors)."""


# --- The figures of one year --------------------------------------------------------------------

@dataclass(eq=False)
class YearFigures:
    """Every figure of ``year`` for the country (``forbund`` None) or one förbund.

    ``data`` is the dataset as this view sees it (a förbund's: with its predecessors' rows under
    its name); years after ``year`` are ignored everywhere. Frames (rows × columns):

    - ``dist``: :func:`figures.distribution` rows (year ≤ ``year``, survey, series, question,
      group; counts per code, n, shares in whole percent as floats) after
      :func:`privacy.disclose` (``level`` national or forbund), with 95 % Wilson intervals
      (:func:`uncertainty.with_intervals`; columns ``*_ci_low/_ci_high``, whole percent).
      method.md "Categories", "Percentages", "Groups", "Small numbers".
    - ``now``: ``dist`` of ``year``; ``samtliga``: ``dist`` of group samtliga;
      ``figures``: figures.csv (``now`` in :data:`FIGURES_CSV_COLUMNS`).
    - ``response(year)``: :func:`figures.response_table` (antal svar, bortfall, rates in percent;
      method.md "Responses and n"); ``units``: its population units of ``year``.
    - ``trend``: :func:`uncertainty.development` (Tabell 20, method.md "Combined development";
      the förbund rule for a förbund) against ``previous``, the latest earlier year with answers.
    - ``changes``: :func:`uncertainty.changes_table` (changes.csv).
    - ``insats``: :func:`insats.insats_figures` of a förbund's answers of ``year``.
    - ``national``: the country's YearFigures of the same year and min_n (itself nationally).

    ``_every``: every förbund's figures of the year made at once (:class:`EveryForbund`, when a
    process prepared them: :func:`prepare`); a förbund's ``dist``, ``insats``, changes, trend and
    ``riket_differences`` are then looked up there instead of computed.
    """

    year: int
    forbund: str | None
    min_n: int
    data: Dataset
    history: tuple = ()  # the history.Change rows applied to ``data`` (a förbund's view)
    _national: YearFigures | None = field(default=None, repr=False)
    _every: EveryForbund | None = field(default=None, repr=False)

    def _looked_up(self, made) -> pd.DataFrame | None:
        """This förbund's frame in ``made(_every)`` (förbund name -> frame, made at once for every
        förbund), or None when none were made or it is not there: then it computes its own."""
        return None if self._every is None or self.forbund is None else made(self._every).get(self.forbund)

    @property
    def level(self) -> str:
        """``national`` or ``forbund``: which disclosure rules apply (privacy.disclose)."""
        return "national" if self.forbund is None else "forbund"

    @cached_property
    def respondents(self) -> pd.DataFrame:
        """Respondents of the view up to ``year`` (one row per response)."""
        r = self.data.respondents
        r = r[r.year <= self.year]
        return r if self.forbund is None else r[r.forbund == self.forbund]

    @cached_property
    def tidy_years(self) -> list[int]:
        """Years up to ``year`` with answers in this view."""
        return sorted(int(y) for y in self.respondents.year.unique())

    @property
    def previous(self) -> int | None:
        """The comparison year: the latest year before ``year`` with answers (None: none)."""
        earlier = [y for y in self.tidy_years if y < self.year]
        return earlier[-1] if earlier else None

    @cached_property
    def dist(self) -> pd.DataFrame:
        """Every figure of the view for ``year`` and earlier years (method.md §4–6): one row per
        year, survey, question and group (figures.FIGURE_COLUMNS, shares in whole percent), the
        disclosure rules applied once (privacy.disclose) and the nyckeltal's 95 % Wilson interval
        (uncertainty.with_intervals). An empty frame with those columns when there are no answers."""
        if (found := self._looked_up(lambda every: every.dist)) is not None:
            return found
        tidy = self.data.tidy
        tidy = tidy[tidy.year <= self.year]
        if self.forbund is not None:
            tidy = tidy[tidy.forbund == self.forbund]
        return shown_distribution(tidy, self.level, self.min_n)

    @cached_property
    def now(self) -> pd.DataFrame:
        """``dist`` rows of ``year`` only."""
        return self.dist[self.dist.year == self.year]

    @cached_property
    def samtliga(self) -> pd.DataFrame:
        """``dist`` rows of every respondent (group samtliga), renumbered from 0."""
        return self.dist[self.dist.group == "samtliga"].reset_index(drop=True)

    @cached_property
    def indexed(self) -> pd.DataFrame:
        """``dist`` indexed by (survey, series, group, year), sorted: a measure's figures in one
        ``.loc`` instead of a boolean filter over the whole frame."""
        return self.dist.set_index(INDEX, drop=False).sort_index()

    def measure(self, survey: str, series: str, group: str) -> pd.DataFrame:
        """A measure's rows of ``dist`` in one group, every year (oldest first; empty when none)."""
        try:
            return self.indexed.loc[(survey, series, group)]
        except KeyError:
            return self.dist.iloc[0:0]

    def row(self, survey: str, series: str, group: str, year: int) -> pd.Series | None:
        """One row of ``dist`` (None when the measure has no row that year)."""
        rows = self.measure(survey, series, group)
        rows = rows[rows.year == year]
        return rows.iloc[0] if len(rows) else None

    @cached_property
    def figures(self) -> pd.DataFrame:
        """figures.csv: :func:`figures.figures_table` of ``now`` plus the nyckeltal's 95 % interval
        (whole percent, blank where suppressed)."""
        return figures_csv(self.now)

    @cached_property
    def insats(self) -> pd.DataFrame:
        """A förbund's nyckeltal per insats of ``year`` with "Övriga insatser" and samtliga
        (:func:`insats.insats_figures`, insats.COLUMNS; empty nationally)."""
        if (found := self._looked_up(lambda every: every.insats)) is not None:
            return found
        t = self.data.tidy
        return isx.insats_figures(t[(t.forbund == self.forbund) & (t.year == self.year)], self.min_n)

    def response(self, year: int | None = None) -> pd.DataFrame:
        """Response and bortfall per survey of ``year`` (default: this year) in this view."""
        d = self.data
        units = self.units if year in (None, self.year) else None
        return fig.response_table(d.respondents, d.population, d.sheets, year or self.year, self.forbund, units)

    @cached_property
    def units(self) -> pd.DataFrame:
        """:func:`figures.population_units` of ``year`` in this view: population rows with the
        responses each covers, and the responses no row covers (Tabell 2's and Tabell 3's units)."""
        d = self.data
        return fig.population_units(fig.rows_of(d.respondents, self.year, self.forbund, fig.UNIT_KEYS),
                                    fig.rows_of(d.population, self.year, self.forbund))

    @cached_property
    def trend(self) -> pd.DataFrame:
        """Tabell 20's development per indicator since ``previous`` (method.md §7; the förbund rule
        for a förbund) with the beyond-chance counts (uncertainty.development)."""
        if self.previous is not None and (found := self._looked_up(
                lambda every: every.trend_since(self.previous))) is not None:
            return found
        return unc.development(self.dist, self.year, self.previous, forbund=self.forbund is not None,
                               computed=self.all_changes)

    @cached_property
    def all_changes(self) -> pd.DataFrame | None:
        """uncertainty.changes of every shown measure and group (samtliga, kvinnor, män, employers)
        since ``previous``, with ``series`` and ``key`` (what the drafted prose picks from); None
        without a previous year."""
        if self.previous is None:
            return None
        if (found := self._looked_up(lambda every: every.changes_since(self.previous))) is not None:
            return found
        return unc.changes(self.dist, self.year, self.previous)

    @cached_property
    def riket_differences(self) -> pd.DataFrame | None:
        """A förbund's shown nyckeltal of ``year`` against the rest of the country, per measure
        (uncertainty.riket_difference of ``samtliga`` and the country's); None nationally."""
        if self.forbund is None:
            return None
        if (found := self._looked_up(lambda every: every.riket_differences)) is not None:
            return found
        return unc.riket_difference(self.samtliga, self.national.samtliga, self.year)

    @cached_property
    def changes(self) -> pd.DataFrame:
        """Every shown measure's change since ``previous`` with its 95 % interval (changes.csv)."""
        c = self.all_changes
        return unc.changes_table(self.dist, self.year, None) if c is None else c[unc.CHANGE_COLUMNS]

    @cached_property
    def counts(self) -> pd.Series:
        """Responses per survey in ``year`` (surveys in the report order; exact, privacy rule 3)."""
        r = self.respondents[self.respondents.year == self.year]
        c = r.groupby("survey").size()
        return c.reindex(ins.in_report_order(c.index))

    @cached_property
    def forbund_counts(self) -> pd.DataFrame:
        """Responses per förbund and survey (the national report's Bilaga 1)."""
        return fig.forbund_counts(self.data.respondents[self.data.respondents.year <= self.year], self.year)

    @cached_property
    def totals(self) -> pd.DataFrame:
        """Questionnaires and förbund per year (Tabell 21)."""
        return fig.totals_by_year(self.respondents)

    @cached_property
    def version(self) -> int:
        """The questionnaire version of ``year`` (the most used; the year's default without answers)."""
        v = self.respondents.loc[self.respondents.year == self.year, "version"]
        return int(v.mode().iloc[0]) if len(v) else ins.default_version(self.year)

    def internal_missing(self) -> pd.DataFrame:
        """Per question this year: share of the survey's responses leaving it blank (questions
        asked only after a Ja are left out)."""
        resp = self.response().set_index("survey")["antal_svar"]
        d = self.now[(self.now.group == "samtliga")]
        d = d[~((d.survey == "Deltagare avslut") & d.question.isin([9, 10]))]
        total = d.survey.map(resp).astype(float)
        return d.assign(missing_pct=fig.percent((total - d.n).astype("int64"), total.astype("int64")))

    @property
    def national(self) -> YearFigures:
        """The country's figures of the same year and min_n (the förbund report's comparison)."""
        return self if self.forbund is None else self._national

    @cached_property
    def national_totals(self) -> tuple[int, int]:
        """(questionnaires, förbund) in the country in ``year``."""
        r = self.national.data.respondents
        r = r[r.year == self.year]
        return len(r), int(r.forbund.nunique())

    def write(self, out: Path | str) -> list[Path]:
        """figures.csv, response.csv, trend.csv and changes.csv in ``out`` (``finsam results``)."""
        return write_results(self, out)


# --- The one cache ------------------------------------------------------------------------------

MAX_ENTRIES = 64
_CACHE: OrderedDict = OrderedDict()  # key -> (stamp, value); datasets and YearFigures
_STATS = {"hits": 0, "misses": 0, "reads": 0}


def cache_info() -> dict:
    """How often the cache answered (hits), computed (misses) and read files (reads)."""
    return dict(_STATS, entries=len(_CACHE))


def _paths(source) -> list:
    return [source] if isinstance(source, (str, Path)) else list(source)


def fingerprint(source) -> tuple:
    """(resolved path, mtime in ns, size) of every registration file under ``source`` and of its
    history file: what the cache compares to know the files are unchanged (every report asks)."""
    paths = _paths(source)
    files, _ = find_files(paths)
    extra = hist.history_file(paths)
    folders: dict = {}
    return tuple(_file_stamp(f, folders) for f in [*files, *([extra] if extra else [])])


def _file_stamp(f: Path, folders: dict) -> tuple[str, int, int]:
    """(str(f.resolve()), mtime in ns, size) with one lstat: a file that is no symbolic link resolves
    to its folder's real path (resolved once per folder in ``folders``) and its name."""
    st = os.lstat(f)
    if stat.S_ISLNK(st.st_mode):
        st = f.stat()
        return str(f.resolve()), st.st_mtime_ns, st.st_size
    folder = folders.get(f.parent)
    if folder is None:
        folder = folders[f.parent] = str(f.parent.resolve())
    return os.path.join(folder, f.name), st.st_mtime_ns, st.st_size


def _source(source, exclude_invalid: bool) -> tuple[tuple, object]:
    """(cache key, stamp) of a source: paths by fingerprint, a Dataset by identity."""
    if isinstance(source, Dataset):
        return ("dataset", id(source), exclude_invalid), source
    key = ("paths", tuple(str(Path(p).resolve()) for p in _paths(source)), exclude_invalid)
    return key, fingerprint(source)


def _get(key: tuple, stamp, make):
    value = _prepared(key, stamp)
    if value is not None:
        return value
    _STATS["misses"] += 1
    return _put(key, stamp, make())


def _put(key: tuple, stamp, value):
    _CACHE[key] = (stamp, value)
    while len(_CACHE) > MAX_ENTRIES:
        _CACHE.popitem(last=False)
    return value


def _prepared(key: tuple, stamp):
    """What the cache holds under ``key`` for files with ``stamp`` (None: nothing, or made from
    files since changed), without making it."""
    hit = _CACHE.get(key)
    if hit is not None and (hit[0] is stamp or (isinstance(stamp, tuple) and hit[0] == stamp)):
        _CACHE.move_to_end(key)
        _STATS["hits"] += 1
        return hit[1]
    return None


def dataset(source, exclude_invalid: bool = False, progress=None) -> Dataset:
    """The dataset of registration files (files or folders, read once while they are unchanged)
    or ``source`` itself when it is a Dataset. ``exclude_invalid``: without every förbund whose
    files have errors (:func:`partial.without_invalid`; their names in ``Dataset.excluded``).
    Problems are kept in the dataset; nothing is raised."""
    return _dataset(source, exclude_invalid, *_source(source, exclude_invalid), progress)


def _dataset(source, exclude_invalid: bool, key: tuple, stamp, progress=None) -> Dataset:
    def read():
        if isinstance(source, Dataset):
            data = source
        elif exclude_invalid:  # the whole files through the cache (read once, or handed over)
            data = dataset(source, progress=progress)
        else:
            _STATS["reads"] += 1
            data = read_paths(_paths(source), progress=progress)
        if exclude_invalid:
            from finsam_lib.registration.partial import without_invalid
            data = without_invalid(data)
        return data

    return _get(key, stamp, read)


def hand_over(source, path: str | Path) -> Path | None:
    """The dataset of ``source`` as this process read it, and the figures it made of it (e.g.
    :func:`prepare`), written to ``path`` for other processes to take instead of reading and
    computing again (``prepare(..., handoff=path)``; the demo set's 1.8 s a process, written in
    55 ms, loaded in 40), while the files keep the fingerprint it holds. Returns ``path``, or None
    when this process has not read ``source``. A pickle: put it in a folder private to the run."""
    key, _ = _source(source, False)
    if key not in _CACHE:
        return None
    made = [(k, hit) for k, hit in _CACHE.items() if k[:len(key)] == key]  # the dataset, then its figures
    Path(path).write_bytes(pickle.dumps((key, made), protocol=pickle.HIGHEST_PROTOCOL))
    return Path(path)


def _take_over(source, handoff: str | Path) -> bool:
    """Put what another process read and computed (:func:`hand_over`) into this process's cache
    when it was read from the same files, still unchanged; False when not (then they are read)."""
    try:
        key, made = pickle.loads(Path(handoff).read_bytes())
        stamp = dict(made)[key][0]
    except Exception:  # a handoff that cannot be read or holds no dataset: the files are read
        return False
    mine, now = _source(source, False)
    if key != mine or now != stamp:
        return False
    for k, (_, value) in made:
        _put(k, now, value)
    return True


def valid_dataset(source, exclude_invalid: bool = False) -> Dataset:
    """:func:`dataset`, raising DataError (Swedish, the first ten problems with file, sheet and
    cell) when the files have errors."""
    return _valid(dataset(source, exclude_invalid))


def _valid(data: Dataset) -> Dataset:
    if data.errors:
        first = "\n".join(str(p) for p in data.errors[:10])
        raise DataError(f"Registreringsfilerna har {len(data.errors)} fel; rätta dem först "
                        f"(se `finsam validate`):\n{first}")
    return data


def forbund_names(source, year: int, history: list | None = None) -> list[str]:
    """The förbund of the data as of ``year``, alphabetically: every name with answers, less those
    whose every year belongs to a successor (history.successors), e.g. a renamed förbund's old name."""
    data = dataset(source)
    changes = _history(source, history)
    pairs = data.respondents[["forbund", "year"]].drop_duplicates()
    names = {n for n, y in zip(pairs.forbund, pairs.year.astype(int))
             if y > year or not changes or n in hist.successors(changes, n, y, year)}
    return sorted(names, key=str.casefold)


def _history(source, history) -> tuple:
    if history is not None:
        return tuple(history)
    return () if isinstance(source, Dataset) else tuple(hist.load(_paths(source)))


EVERY = "every förbund"  # the cache key's place of a förbund name for EveryForbund


def prepare(source, year: int, min_n: int = fig.MIN_N, exclude_invalid: bool = False,
            handoff: str | Path | None = None, every_forbund: bool = False) -> None:
    """Read the files and compute the country's figures of ``year`` into the cache: what every
    report of the year asks for first (publish.warm_up_code: a kernel started early, while the
    command line reads the files; ``handoff``: what the command line read and made, taken
    instead, :func:`hand_over`). ``every_forbund``: also every förbund's own figures at once
    (:class:`EveryForbund`). Errors are left to the report, which raises them in Swedish."""
    if handoff:
        _take_over(source, handoff)
    try:
        national = year_figures(source, year, None, min_n, exclude_invalid=exclude_invalid)
        national.samtliga
    except FinsamError:
        return
    if every_forbund:
        key, stamp = _source(source, exclude_invalid)
        every = _get(key + (year, EVERY, min_n), stamp,
                     lambda: EveryForbund(year, min_n, national.data, national.samtliga))
        every.dist, every.insats, every.riket_differences
        if national.previous is not None:  # most förbund's previous measurement is the country's
            every.trend_since(national.previous)  # and its changes


def year_figures(source, year: int, forbund: str | None = None, min_n: int = fig.MIN_N, *,
                 exclude_invalid: bool = False, history: list | None = None,
                 cache: bool = True) -> YearFigures:
    """The figures of ``year``, nationally or for ``forbund`` (a name as typed: case, spaces and
    å/ä/ö do not matter; :func:`names.match_forbund`).

    ``source``: registration files and folders (read through the cache; their errors raise
    DataError; the history is the ``forbund-historik.csv`` beside them) or a Dataset (used as
    given; ``history`` a list of history.Change, default none). ``min_n``: method.md "Small
    numbers". ``cache=False`` computes afresh (the plain way, for benchmarks).

    Raises DataError when ``year`` is not in the data or the förbund has no answers that year,
    names.UnknownForbund when no förbund matches ``forbund``."""
    key, stamp = _source(source, exclude_invalid)
    data = _dataset(source, exclude_invalid, key, stamp)
    if not isinstance(source, Dataset):
        _valid(data)
    if year not in data.years():
        found = ", ".join(map(str, data.years())) or "inga"
        raise DataError(f"Mätår {year} finns inte i data (finns: {found}).")
    if forbund is not None:
        forbund = match_forbund(forbund, data.respondents.forbund.unique())
    changes = _history(source, history) if forbund is not None else ()

    def compute(name: str | None, changes: tuple) -> YearFigures:
        if name is None:
            return YearFigures(year, None, min_n, data)
        national = compute(None, ()) if not cache else _get(key + (year, None, min_n, ()), stamp,
                                                              lambda: compute(None, ()))
        view = hist.for_forbund(data, list(changes), name, year)
        every = _prepared(key + (year, EVERY, min_n), stamp) if cache and view is data else None
        figures = YearFigures(year, name, min_n, view, changes, national, every)
        if year not in figures.tidy_years:
            found = ", ".join(map(str, figures.tidy_years)) or "inga"
            raise DataError(f"{name} har inga svar mätår {year} (har svar: {found}).")
        return figures

    if not cache:
        return compute(forbund, changes)
    return _get(key + (year, forbund, min_n, changes), stamp, lambda: compute(forbund, changes))
