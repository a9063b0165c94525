"""One path for figures (issue 12, item 2): figures.year.year_figures is the one entry point.

Every face — figures.csv of `finsam results`, the deck, the explorer and the reports' tables —
shows the figures the entry point gives, nationally and for a förbund, including a small förbund
where disclosure hides a kön split; the one cache reads and computes once until a file changes;
the förbund history is applied once.
"""
from __future__ import annotations

import os
import shutil
from collections import Counter

import pandas as pd
import pytest
from test_disclosure import deck_values, shown

from finsam_lib.apps import cli
from finsam_lib.apps.explore import Explorer, Selection
from finsam_lib.figures import method
from finsam_lib.figures import year as yf
from finsam_lib.figures.year import year_figures
from finsam_lib.present import slides
from finsam_lib.present.forbund_report import ForbundReport
from finsam_lib.present.report import NationalReport
from finsam_lib.publish import batch
from finsam_lib.registration import history as hist
from finsam_lib.registration.reader import find_files

YEAR = 2022
GENDER = ["kvinnor", "män"]


def hidden_gender_split(f: yf.YearFigures) -> tuple[int, str] | None:
    """(indicator, survey) of ``year`` whose samtliga rows are shown while every kvinnor/män row
    is hidden, or None."""
    now = f.now
    for (indicator, survey), d in now.groupby(["indicator", "survey"]):
        split = d[d.group.isin(GENDER) & (d.n > 0)]
        whole = d[(d.group == "samtliga") & (d.n > 0)]
        if len(split) and split.suppressed.all() and len(whole) and not whole.suppressed.any():
            return int(indicator), survey
    return None


@pytest.fixture(scope="module")
def areas(demo_dir, demo_data):
    """{case: förbund name or None}: the country, the smallest förbund that has a hidden kön split,
    and a renamed förbund (its earlier years under its old name)."""
    resp = demo_data.respondents
    sizes = resp[resp.year == YEAR].groupby("forbund").size().sort_values()
    small = next(n for n in sizes.index if hidden_gender_split(year_figures([demo_dir], YEAR, n)))
    renamed = next(c.to_name for c in hist.load([demo_dir]) if c.kind == "namnbyte")
    return {"national": None, "small": small, "renamed": renamed}


@pytest.mark.parametrize("case", ["national", "small", "renamed"])
def test_every_face_shows_the_figures_of_the_entry_point(case, areas, demo_dir, tmp_path):
    name = areas[case]
    f = year_figures([demo_dir], YEAR, name)
    want = shown(f.dist, YEAR)  # nyckeltal by (year, series, group) of the rows shown
    assert len(want)
    # figures.csv of `finsam results`: the same shares, hidden where the entry point hides them.
    who = [] if name is None else ["--forbund", name]
    assert cli.main(["results", "--data", str(demo_dir), "--year", str(YEAR), *who, "--out", str(tmp_path)]) == 0
    csv = pd.read_csv(tmp_path / "figures.csv")
    cols = ["survey", "question", "group", "suppressed", "nyckeltal_pct", "nyckeltal_ci_low", "nyckeltal_ci_high"]
    pd.testing.assert_frame_equal(csv[cols], f.figures[cols].reset_index(drop=True), check_dtype=False)
    # The deck: every share it states is a shown one, with the entry point's value.
    stated = deck_values(slides.deck_from_data([demo_dir], YEAR, name))
    assert stated
    for y, series, group, value in stated:
        assert want.loc[(y, series, group)] == value, (y, series, group)
    # The explorer: every year up to YEAR, shown and hidden alike.
    explorer = Explorer([demo_dir])
    pd.testing.assert_series_equal(shown(explorer.distribution(name), YEAR), want)
    # The report's tables.
    if name is None:
        sheet = NationalReport.from_paths(demo_dir, YEAR).data_sheets()["Nyckeltal alla år"]
        sheet = sheet[sheet["Nyckeltal (%)"].notna()].set_index(["År", "Serie", "Grupp"])["Nyckeltal (%)"]
        pd.testing.assert_series_equal(sheet.sort_index(), want, check_names=False)
    else:
        report = ForbundReport.from_paths(demo_dir, name, YEAR)
        sheet = report.data_sheets()["Svarsfördelning"]
        sheet = sheet[sheet["Redovisas"] == "ja"].set_index(["År", "Serie"])
        mine = want.xs("samtliga", level="group")
        mine = mine[mine.index.get_level_values("year").isin(report.years)]
        pd.testing.assert_series_equal(sheet["Nyckeltal (%)"].sort_index(), mine, check_names=False)
        country = shown(f.national.dist, YEAR).xs("samtliga", level="group")
        riket = sheet["Riket: nyckeltal (%)"].dropna()
        assert len(riket) and (riket == country.reindex(riket.index)).all()


def test_a_hidden_split_is_hidden_by_every_face(areas, demo_dir, tmp_path):
    """The small förbund's kön split that disclosure hides: blank in figures.csv and the explorer,
    not stated by the deck, and not in the report's comparison of women and men."""
    name = areas["small"]
    f = year_figures([demo_dir], YEAR, name)
    indicator, survey = hidden_gender_split(f)
    csv = f.figures
    rows = csv[(csv.indicator == indicator) & (csv.survey == survey) & csv.group.isin(GENDER) & (csv.n > 0)]
    assert len(rows) and rows.suppressed.all() and rows.nyckeltal_pct.isna().all()
    frame = Explorer([demo_dir]).frame(Selection((YEAR,), name, indicator, survey, "kon"))
    split = frame[frame.group.isin(GENDER)]
    assert len(split) and split.nyckeltal_pct.isna().all() and split.suppressed.all()
    assert frame[frame.group == "samtliga"].nyckeltal_pct.notna().any()
    deck = slides.deck_from_data([demo_dir], YEAR, name)
    stated = {(y, s, g) for y, s, g, _ in deck_values(deck)}
    now = f.now
    hidden = now[(now.indicator == indicator) & (now.survey == survey) & now.group.isin(GENDER)]
    assert not stated & {(YEAR, s, g) for s, g in zip(hidden.series, hidden.group)}
    page = ForbundReport.from_paths(demo_dir, name, YEAR).indicator(indicator).html
    assert "av kvinnorna" not in page and "Kvinnor och män svarar" not in page


def test_the_cache_reads_and_computes_once_until_a_file_changes(demo_dir, tmp_path, monkeypatch):
    folder = tmp_path / "data"
    for year in (YEAR - 1, YEAR):
        shutil.copytree(demo_dir / str(year), folder / str(year))
    shutil.copy(demo_dir / hist.FILE_NAME, folder / hist.FILE_NAME)
    calls: Counter = Counter()
    real = method.distribution

    def counting(tidy, level="national", min_n=method.MIN_N):
        calls[level] += 1
        return real(tidy, level, min_n)

    monkeypatch.setattr(method, "distribution", counting)
    reads = yf.cache_info()["reads"]
    data = yf.dataset(folder)
    names = sorted(set(data.respondents[data.respondents.year == YEAR].forbund))[:3]
    # What a batch worker and the explorer ask for: the country computed once, each förbund once.
    for name in names:
        ForbundReport.from_paths(folder, name, YEAR)
    NationalReport.from_paths(folder, YEAR)
    slides.deck_from_data([folder], YEAR, names[0])
    Explorer([folder]).distribution(None)
    for name in [None, *names]:
        assert year_figures(folder, YEAR, name).dist is year_figures([folder], YEAR, name).dist
    assert calls == {"national": 1, "forbund": len(names)}
    assert yf.cache_info()["reads"] == reads + 1
    # A file changes (its modification time): read again, computed again; the figures are the same.
    before = year_figures(folder, YEAR, names[0])
    victim = next(f for f, owner in data.forbund_of_file.items() if owner == names[0] and f"{YEAR}" in f)
    stat = os.stat(victim)
    os.utime(victim, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    after = year_figures(folder, YEAR, names[0])
    assert after is not before and yf.cache_info()["reads"] == reads + 2
    pd.testing.assert_frame_equal(after.dist, before.dist)
    assert calls == {"national": 1, "forbund": len(names) + 1}
    assert year_figures(folder, YEAR, names[0]) is after  # and hit again


def test_a_batch_kernel_takes_the_files_the_command_line_read_until_one_changes(demo_dir, tmp_path):
    """figures.year.hand_over: what `finsam batch` read, and the figures it made of it, are taken
    by its kernels (prepare(..., handoff=...), publish.workers.warm_up) without reading the files or
    computing those figures again, also for a report without the förbund whose files have errors
    (whose figures the kernel makes); a file changed since, or a broken handoff file, and the
    files are read. Files this process has not read are not handed over."""
    folder = tmp_path / "data"
    shutil.copytree(demo_dir / str(YEAR), folder / str(YEAR))
    shutil.copy(demo_dir / hist.FILE_NAME, folder / hist.FILE_NAME)
    yf._CACHE.clear()
    assert yf.hand_over(folder, tmp_path / "h.pickle") is None and not (tmp_path / "h.pickle").exists()
    read = yf.dataset([folder])
    yf.prepare(str(folder.resolve()), YEAR, every_forbund=True)  # as workers.warm_up does
    handoff = yf.hand_over(str(folder.resolve()), tmp_path / "h.pickle")  # as workers.warm_up names it
    expected = year_figures(read, YEAR).samtliga
    for exclude_invalid in (False, True):
        yf._CACHE.clear()  # as in a new kernel
        reads, misses = yf.cache_info()["reads"], yf.cache_info()["misses"]
        yf.prepare(str(folder), YEAR, exclude_invalid=exclude_invalid, handoff=handoff, every_forbund=True)
        assert yf.cache_info()["reads"] == reads
        assert (yf.cache_info()["misses"] == misses) == (not exclude_invalid)  # the figures taken, not made
        taken = yf.dataset(folder)
        assert taken is not read and len(taken.respondents) == len(read.respondents) > 0
        pd.testing.assert_frame_equal(year_figures(folder, YEAR).samtliga, expected)
    yf._CACHE.clear()
    victim = sorted((folder / str(YEAR)).glob("*.xlsx"))[0]
    stat = os.stat(victim)
    os.utime(victim, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    reads = yf.cache_info()["reads"]
    yf.prepare(str(folder), YEAR, handoff=handoff)
    assert yf.cache_info()["reads"] == reads + 1
    yf._CACHE.clear()
    handoff.write_bytes(b"not a pickle")
    yf.prepare(str(folder), YEAR, handoff=handoff)
    assert yf.cache_info()["reads"] == reads + 2
    pd.testing.assert_frame_equal(year_figures(folder, YEAR).samtliga, expected)


def spread_by_size(data, names: list[str], every: int = 4) -> list[str]:
    """Förbund of ``names`` across the range of their answers in YEAR: the three smallest, the
    two largest and every ``every``-th between, in order of size."""
    counts = data.respondents.query("year == @YEAR").groupby("forbund").size()
    by_size = sorted(names, key=lambda n: (counts.get(n, 0), n))
    return list(dict.fromkeys([*by_size[:3], *by_size[3:-2:every], *by_size[-2:]]))


def test_every_forbunds_figures_made_at_once_are_each_forbunds_own(areas, demo_dir):
    """figures.year.EveryForbund (prepare(..., every_forbund=True), what a batch's kernels make):
    a förbund's distribution and figures per insats, looked up there, are the frames it gets
    computed alone, row for row; so are the changes, Tabell 20 and the differences from riket made
    from them. A förbund with predecessors (the renamed one) is computed alone, from its own view.
    Checked on a spread of the förbund by size (spread_by_size: 13 of the demo set's 36) and the
    renamed one: each one computed alone takes about 0.5 s, all 36 took 20 s of the suite.
    A batch of batch.EVERY_FORBUND_FROM förbund reports or more asks its kernels for it; fewer
    do not."""
    yf._CACHE.clear()
    yf.prepare([demo_dir], YEAR, every_forbund=True)
    data = yf.dataset([demo_dir])
    chosen = spread_by_size(data, batch.forbund_of_year(data, YEAR))
    chosen += [areas["renamed"]] if areas["renamed"] not in chosen else []
    own_view, looked_up = set(), 0
    for name in chosen:
        f = year_figures([demo_dir], YEAR, name)
        alone = year_figures([demo_dir], YEAR, name, cache=False)
        assert alone._every is None
        if f.data is not data:  # predecessors' rows under its name
            assert f._every is None
            own_view.add(name)
            continue
        assert f._every is not None
        looked_up += 1
        for part in ("dist", "insats", "changes", "trend", "riket_differences"):
            pd.testing.assert_frame_equal(getattr(f, part), getattr(alone, part), obj=f"{name}: {part}")
    assert own_view == {areas["renamed"]} and looked_up == len(chosen) - 1 >= 12
    jobs = batch.plan(yf.dataset([demo_dir]), str(demo_dir), YEAR)
    assert "every_forbund=True" in batch.warm_up(jobs)
    forbund_jobs = [j for j in jobs if j.kind == batch.FORBUND]
    assert "every_forbund=True" in batch.warm_up(forbund_jobs[:batch.EVERY_FORBUND_FROM])
    assert "every_forbund" not in batch.warm_up(forbund_jobs[:batch.EVERY_FORBUND_FROM - 1])


def test_the_response_from_a_views_units_is_the_one_made_from_its_rows(areas, demo_dir):
    """YearFigures.response of its own year takes the view's population units, made once
    (YearFigures.units, which Tabell 3 takes too); for the country, förbund (the renamed one's
    view included) and an earlier year it is the response_table made from the rows alone."""
    data = yf.dataset([demo_dir])
    for name in [None, areas["renamed"], *batch.forbund_of_year(data, YEAR)[:6]]:
        f = year_figures([demo_dir], YEAR, name)
        d = f.data
        for year in (YEAR, YEAR - 1):
            made = method.response_table(d.respondents, d.population, d.sheets, year, name)
            pd.testing.assert_frame_equal(f.response(year), made, obj=f"{name}, {year}")
        r, pop = d.respondents, d.population
        if name is not None:
            r, pop = r[r.forbund == name], pop[pop.forbund == name]
        pd.testing.assert_frame_equal(f.units, method.population_units(r[r.year == YEAR], pop[pop.year == YEAR]))
    report = ForbundReport.from_paths(demo_dir, areas["renamed"], YEAR)
    assert report.units.antal_svar.sum() == report.response.set_index("survey").antal_svar["Totalt"]


def test_the_history_is_applied_once(areas, demo_dir, demo_data):
    """A renamed förbund's years under its old name appear once, in every face: as many responses
    as the old name has, one row per measure, group and year."""
    name = areas["renamed"]
    old = next(c.from_name for c in hist.load([demo_dir]) if c.to_name == name)
    raw = demo_data.respondents
    years_old = sorted(set(raw[raw.forbund == old].year))
    assert years_old
    f = year_figures([demo_dir], YEAR, name)
    report = ForbundReport.from_paths(demo_dir, name, YEAR)
    explorer = Explorer([demo_dir])
    assert old not in explorer.forbund and name in explorer.forbund
    for year in years_old:
        expected = int(((raw.forbund == old) & (raw.year == year)).sum())
        assert int((f.respondents.year == year).sum()) == expected
        assert int((report.respondents.year == year).sum()) == expected
        own = method.distribution(demo_data.tidy[(demo_data.tidy.forbund == old) & (demo_data.tidy.year == year)],
                                  level="forbund")
        mine = f.dist[(f.dist.year == year)]
        assert sorted(mine.n) == sorted(own.n)
    assert not f.dist.duplicated(["year", "survey", "series", "group"]).any()
    d = explorer.distribution(name)
    assert not d.duplicated(["year", "survey", "series", "group"]).any()
    pd.testing.assert_series_equal(shown(d, YEAR), shown(f.dist, YEAR))
    assert set(years_old) <= set(d.year) and set(years_old) <= set(report.all_years)


def test_the_fingerprint_names_each_file_by_its_real_path(demo_dir, tmp_path):
    """figures.year.fingerprint (what every report compares with the cache) gives each file's
    resolved path, modification time and size, for data given through a linked folder and with a
    linked file in it."""
    folder = tmp_path / "data"
    shutil.copytree(demo_dir / str(YEAR), folder / str(YEAR))
    shutil.copy(demo_dir / hist.FILE_NAME, folder / hist.FILE_NAME)
    one = sorted((demo_dir / str(YEAR - 1)).glob("*.xlsx"))[0]
    (folder / "en.xlsx").symlink_to(one)
    (tmp_path / "länk").symlink_to(folder, target_is_directory=True)
    files, _ = find_files([tmp_path / "länk"])
    files.append(tmp_path / "länk" / hist.FILE_NAME)
    expected = tuple((str(f.resolve()), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    assert yf.fingerprint(tmp_path / "länk") == expected
    paths = [p for p, _, _ in expected]
    assert str(one.resolve()) in paths and len(paths) > 10
    assert all(p.startswith(str(folder.resolve())) for p in paths if p != str(one.resolve()))
