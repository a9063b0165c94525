"""The explorer's logic and widgets, without a browser: every control drives a frame
and a figure that agree with `finsam results` (year.year_figures / figures.csv),
including suppression under min n."""
from __future__ import annotations

import itertools
from functools import lru_cache
from types import SimpleNamespace

import matplotlib.text
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection

from finsam_lib.apps.explore import (
    FIGURES,
    NATIONAL,
    SPLIT_GROUPS,
    SPLITS,
    TOO_FEW,
    Explorer,
    Selection,
    chart_rows,
    demo_data,
    find_data,
    year_label,
    year_slug,
)
from finsam_lib.base import format as fmt
from finsam_lib.figures import method as fig
from finsam_lib.figures.results import figures_csv
from finsam_lib.figures.year import year_figures
from finsam_lib.instrument import definition as ins
from finsam_lib.registration.names import safe_filename

COMPARED = ["year", "survey", "question", "indicator", "group", "n", *fig.CODE_COLUMNS, *fig.PCT_COLUMNS,
            "suppressed"]


@pytest.fixture(scope="module")
def data(demo_data):
    return demo_data


@pytest.fixture(scope="module")
def explorer(data):
    e = Explorer(data)
    e.warm()
    return e


@pytest.fixture(scope="module")
def results(data):
    """`finsam results` of (year, förbund, min n); only ``.figures`` (figures.csv) is kept.

    year_figures() runs once per (förbund, min n), not once per year too: its distribution of the
    area's latest year spans every earlier year, so figures.csv of a year is results.figures_csv of
    that year's rows (test_figures_csv_of_every_year_is_that_of_compute_for_the_year checks it)."""
    @lru_cache(maxsize=None)
    def every_year(forbund, min_n):
        r = data.respondents
        return year_figures(data, int((r if forbund is None else r[r.forbund == forbund]).year.max()), forbund, min_n)

    @lru_cache(maxsize=None)
    def get(year, forbund, min_n=fig.MIN_N):
        dist = every_year(forbund, min_n).dist
        figures = figures_csv(dist[dist.year == year])
        # figures.csv's rows of each (indicator, survey), split once (expected_rows asks per selection)
        return SimpleNamespace(figures=figures, of_measure=dict(tuple(
            figures[fig.FIGURE_COLUMNS].groupby(["indicator", "survey"], sort=False))))
    return get


def test_figures_csv_of_every_year_is_that_of_compute_for_the_year(data, explorer, results):
    """The `results` fixture's shortcut, on the smallest förbund (the most suppression) and the country."""
    for area in (pick_forbund(explorer, small=True), None):
        r = data.respondents if area is None else data.respondents[data.respondents.forbund == area]
        for year in sorted(set(r.year)):
            pd.testing.assert_frame_equal(results(year, area).figures, year_figures(data, year, area).figures)


def reported(results, year, forbund, min_n=fig.MIN_N) -> pd.DataFrame:
    """figures.csv of `finsam results` (without the interval columns): for a förbund, under the
    förbund reports' rule (privacy.disclose), which the explorer follows too."""
    return results(year, forbund, min_n).figures[fig.FIGURE_COLUMNS]


def expected_rows(results, s: Selection, min_n=fig.MIN_N) -> pd.DataFrame:
    """What `finsam results` says for the selection: figures.csv rows of each year."""
    groups = SPLIT_GROUPS[s.split] if Explorer.splits(s.survey)[s.split] else ["samtliga"]
    parts = []
    for year in s.years:
        found = results(year, s.forbund, min_n).of_measure.get((s.indicator, s.survey))
        if found is not None:
            parts.append(found[found.group.isin(groups)])
    out = pd.concat(parts, ignore_index=True) if parts else reported(results, s.years[0], s.forbund, min_n).iloc[:0]
    order = {g: i for i, g in enumerate(["samtliga", *ins.GENDER_GROUPS, *ins.EMPLOYER_GROUPS])}
    out = out.assign(_g=out.group.map(order)).sort_values(["year", "question", "_g"]).drop(columns="_g")
    return out.reset_index(drop=True)


def _plain(value):
    """A cell as assert_same compares it: a missing value (None, NA, NaN) as None, a number as a float."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_)):
        return float(value)
    return value


def _rows(frame: pd.DataFrame) -> list[tuple]:
    """The COMPARED columns row by row (_plain)."""
    return list(zip(*([_plain(v) for v in frame[c].tolist()] for c in COMPARED)))


def assert_same(frame: pd.DataFrame, expected: pd.DataFrame) -> None:
    if _rows(frame) == _rows(expected):  # the same values exactly; else compared as below, which
        return                           # allows float rounding and says where they differ
    got = frame[COMPARED].copy()
    want = expected[COMPARED].copy()
    for col in [*fig.CODE_COLUMNS, *fig.PCT_COLUMNS]:
        got[col] = got[col].astype("Float64")
        want[col] = want[col].astype("Float64")
    for col in ["year", "question", "indicator", "n"]:
        got[col] = got[col].astype("int64")
        want[col] = want[col].astype("int64")
    got["suppressed"] = got["suppressed"].astype(bool)
    want["suppressed"] = want["suppressed"].astype(bool)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False)


def texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(matplotlib.text.Text) if t.get_text()]


def pick_forbund(explorer, small: bool) -> str:
    """The förbund with the most (or fewest) answers in the latest year."""
    t = explorer.data.tidy
    counts = t[t.year == explorer.years[-1]].groupby("forbund").respondent.nunique().sort_values()
    return counts.index[0] if small else counts.index[-1]


# --- the controls -----------------------------------------------------------------------------

def test_areas_start_with_the_whole_country_then_alphabetical(explorer):
    areas = explorer.areas()
    assert areas[0] == NATIONAL
    assert areas[1:] == sorted(areas[1:], key=str.casefold)
    assert set(areas[1:]) == set(explorer.data.tidy.forbund)


def test_surveys_and_splits_offered_are_those_of_the_indicator(explorer):
    assert explorer.indicators() == [i for i in ins.measured_indicators()]
    for indicator in explorer.indicators():
        surveys = explorer.surveys(indicator)
        assert surveys, indicator
        measured = set(ins.questions().query("indicator == @indicator").survey)
        assert set(surveys) <= measured
        assert surveys == [s for s in ins.SURVEYS if s in surveys]  # the report's order
    assert explorer.splits("Deltagare pågående") == {"samtliga": True, "kon": True, "arbetsgivare": False}
    assert explorer.splits("Remittenter") == {"samtliga": True, "kon": False, "arbetsgivare": True}
    assert explorer.splits("Styrelse") == {"samtliga": True, "kon": False, "arbetsgivare": False}
    assert explorer.surveys(14) == ["Styrelse"]


def all_selections(explorer, areas):
    """Every area × indicator × survey × applicable split, each with every year set
    (only the chart depends on the figure control; it is turned in rotation)."""
    years = explorer.years
    year_sets = [tuple(years), (years[-1],), (years[0], years[-1])]
    turn = itertools.cycle(itertools.product(FIGURES, range(len(year_sets))))
    for area in areas:
        for indicator in explorer.indicators():
            for survey in explorer.surveys(indicator, area):
                for split, allowed in Explorer.splits(survey).items():
                    if not allowed:
                        continue
                    figure, drawn = next(turn)
                    yield [Selection(ys, area, indicator, survey, split, figure) for ys in year_sets], drawn


def test_every_control_gives_the_figures_of_finsam_results(explorer, results):
    """Frame = figures.csv rows for every control value; the table, chart and notes are
    built from it (each figure and year set drawn in turn)."""
    areas = [None, pick_forbund(explorer, small=False), pick_forbund(explorer, small=True)]
    checked = drawn_count = suppressed = 0
    seen = set()
    for selections, drawn in all_selections(explorer, areas):
        for i, s in enumerate(selections):
            frame = explorer.frame(s)
            expected = expected_rows(results, s)
            assert_same(frame, expected)
            checked += 1
            if frame.suppressed.any():
                suppressed += 1
            if i != drawn:
                continue
            view = explorer.view(s)
            drawn_count += 1
            seen.add((s.figure, len(s.years), s.split))
            assert len(view.table()) == len(expected)
            assert view.table_html().count("<tr data-year") == len(expected)
            words = texts(view.figure)
            assert any(f"Indikator {s.indicator}." in t for t in words)
            shown = view.frame[~view.frame.suppressed]
            if s.figure == "nyckeltal" and len(s.years) == 1:
                for v in shown.nyckeltal_pct:
                    assert fmt.percent(v) in words
            if s.figure == "fordelning":
                for r in shown.itertuples():
                    assert f"{fmt.percent(r.positivt_pct)} {'ja' if r.scale == 'III' else 'positivt'}" in words
            if view.frame.suppressed.any():
                assert any(TOO_FEW in n for n in view.notes)
    assert checked > 300 and drawn_count > 100
    assert suppressed > 10  # the small förbund exercises suppression
    assert {(f, n) for f, n, _ in seen} >= {(f, n) for f in FIGURES for n in (1, 2, len(explorer.years))}
    assert {split for _, _, split in seen} == set(SPLITS)


def test_a_förbund_level_frame_equals_compute_for_that_förbund_alone(explorer, results):
    """The explorer's förbund frame of every year equals year_figures(forbund) of that year
    under the förbund reports' rule."""
    for forbund in explorer.forbund[:: max(1, len(explorer.forbund) // 8)]:
        for year in explorer.years:
            want = reported(results, year, forbund)
            d = explorer.distribution(forbund)
            got = fig.figures_table(d[d.year == year])
            if want.empty:
                assert got.empty
                continue
            pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


def test_a_förbund_shows_exactly_what_finsam_results_shows(explorer, results):
    """One disclosure policy: every figure the explorer shows or hides for a förbund is the one
    figures.csv of `finsam results --forbund` shows or hides, the interval included."""
    for forbund in explorer.forbund:
        d = explorer.distribution(forbund)
        for year in sorted(set(d.year)):
            extra = ["nyckeltal_ci_low", "nyckeltal_ci_high"]
            got = fig.figures_table(d[d.year == year], extra=extra).reset_index(drop=True)
            want = results(year, forbund).figures.reset_index(drop=True)
            pd.testing.assert_frame_equal(got, want)


def test_the_cache_changes_nothing(data, explorer):
    plain = Explorer(data, cache=False)
    forbund = pick_forbund(explorer, small=True)
    for s in [Selection(tuple(explorer.years), None, 1, "Deltagare pågående", "kon"),
              Selection(tuple(explorer.years), forbund, 8, "Remittenter", "arbetsgivare", "fordelning")]:
        pd.testing.assert_frame_equal(plain.frame(s), explorer.frame(s))


# --- suppression --------------------------------------------------------------------------------

def suppressed_case(explorer, split="kon", survey="Deltagare pågående", indicator=1):
    """A förbund and year whose split is suppressed (a group under min n) while samtliga is shown."""
    for forbund in explorer.forbund:
        s = Selection((explorer.years[-1],), forbund, indicator, survey, split)
        frame = explorer.frame(s)
        groups = frame[frame.group != "samtliga"]
        if len(frame) and not frame.loc[frame.group == "samtliga", "suppressed"].any() \
                and groups.suppressed.all() and (groups.n < fig.MIN_N).any():
            return s
    pytest.skip("no suppressed split in the demo data")


def test_suppressed_figures_are_never_shown(explorer, results):
    s = suppressed_case(explorer)
    view = explorer.view(s)
    assert_same(view.frame, expected_rows(results, s))
    few = view.frame[view.frame.suppressed]
    assert set(few.group) == {"kvinnor", "män"}
    assert few[fig.PCT_COLUMNS].isna().all().all()
    assert (few.n < fig.MIN_N).any()  # at least one group is small, so the whole split goes
    # Table: the row says so and holds no percentage.
    html = view.table_html()
    for group in ("kvinnor", "män"):
        row = html.split(f"data-group='{group}'")[1].split("</tr>")[0]
        assert TOO_FEW in row and "%" not in row
        assert f"data-col='n'>{fmt.DASH}<" in row  # nor its n: a small n is a small figure
    # CSV: blank figures and n, a comment.
    table = view.table()
    hidden = table[table.Grupp.isin(["Kvinnor", "Män"])]
    assert hidden["Nyckeltal"].isna().all() and (hidden.Kommentar == TOO_FEW).all()
    assert hidden["Antal svar (n)"].isna().all()
    # Chart: one bar for samtliga; the split is one row saying "för få svar".
    rows = chart_rows(view.frame)
    assert list(rows.group) == ["samtliga", "split"]
    bars = [c for c in view.figure.axes[0].collections if isinstance(c, PolyCollection)]
    assert sum(len(c.get_paths()) for c in bars) == 1
    assert TOO_FEW in texts(view.figure)
    assert any(t.startswith(TOO_FEW + ": fråga 1 kvinnor och män år") for t in view.notes)


def test_suppressed_points_are_gaps_in_the_lines(explorer):
    for forbund in explorer.forbund:
        s = Selection(tuple(explorer.years), forbund, 1, "Deltagare pågående", "kon")
        frame = explorer.frame(s)
        if frame.suppressed.any() and (~frame.suppressed).any() and frame.year.nunique() > 1:
            break
    else:
        pytest.skip("no förbund with some suppressed figures")
    figure = explorer.view(s).figure
    lines = {line.get_label(): line for line in figure.axes[0].get_lines()}
    for group, rows in frame.groupby("group"):
        if rows.nyckeltal_pct.isna().all():
            assert fig_label(group) not in lines  # nothing to draw
            continue
        y = dict(zip(lines[fig_label(group)].get_xdata(), lines[fig_label(group)].get_ydata()))
        for r in rows.itertuples():
            assert (np.isnan(y[r.year]) if r.suppressed else y[r.year] == r.nyckeltal_pct)


def fig_label(group):
    return {"samtliga": "Samtliga", "kvinnor": "Kvinnor", "män": "Män"}.get(group, group)


def test_min_n_is_a_setting(data, results):
    e = Explorer(data, min_n=30)
    s = Selection(tuple(e.years), sorted(e.forbund)[0], 1, "Deltagare pågående", "kon")
    assert_same(e.frame(s), expected_rows(results, s, min_n=30))
    assert any("färre än 30 svar" in n for n in e.view(s).notes)


# --- figures and files --------------------------------------------------------------------------

def test_distribution_chart_writes_the_positive_share_of_each_bar(explorer):
    s = Selection((explorer.years[-1],), None, 6, "Deltagare avslut", "samtliga", "fordelning")
    view = explorer.view(s)
    words = texts(view.figure)
    for r in view.frame.itertuples():
        word = "ja" if r.scale == "III" else "positivt"
        assert f"{fmt.percent(r.positivt_pct)} {word}" in words
    assert {"Negativt", "Varken eller", "Klart positivt"} <= set(view.table().columns) | {"Negativt"}
    assert "Negativt / Nej" in view.table().columns  # question 8 is ja/nej


def test_saved_csv_matches_finsam_results_csv(explorer, results, demo_dir, tmp_path):
    from finsam_lib.apps.cli import main
    forbund = pick_forbund(explorer, small=False)
    year = explorer.years[-1]
    assert main(["results", "--data", str(demo_dir), "--year", str(year), "--forbund", forbund,
                 "--out", str(tmp_path / "res")]) == 0
    figures = pd.read_csv(tmp_path / "res" / "figures.csv")
    strict = reported(results, year, forbund)
    assert (strict.suppressed.to_numpy() == figures.suppressed.to_numpy()).all()
    s = Selection((year,), forbund, 3, "Remittenter", "arbetsgivare", "fordelning")
    view = explorer.view(s)
    path = view.save(tmp_path / "explore", "csv")
    assert path.name == (f"utforskare_{safe_filename(forbund)}_indikator-3_Remittenter_arbetsgivare_"
                         f"fordelning_{year}.csv")
    saved = pd.read_csv(path, sep=";", encoding="utf-8-sig")
    rows = (figures.indicator == 3) & (figures.survey == "Remittenter")
    want, hidden = figures[rows], strict.suppressed.to_numpy()[rows.to_numpy()]
    assert len(saved) == len(want)
    labels = {"samtliga": "Samtliga"}
    for r, hide in zip(want.itertuples(), hidden):
        row = saved[(saved["Fråga"] == r.question) & (saved.Grupp == labels.get(r.group, r.group))]
        assert len(row) == 1, r
        row = row.iloc[0]
        assert (row.Kommentar == TOO_FEW) == hide
        if hide:
            assert row.drop(["Förbund", "Enkät", "Indikator", "År", "Fråga", "Grupp", "Kommentar"]).isna().all()
            continue
        assert row["Antal svar (n)"] == r.n
        for col, header in [("negativt_pct", "Negativt"), ("varken_pct", "Varken eller"),
                            ("positivt_pct", "Positivt"), ("klart_positivt_pct", "Klart positivt")]:
            assert row[header] == getattr(r, col)
    png = view.save(tmp_path / "explore", "png")
    assert png.read_bytes().startswith(b"\x89PNG") and png.stem == path.stem


def test_names_and_labels():
    assert year_label([2022]) == "2022"
    assert year_label([2018, 2019, 2020, 2021, 2022]) == "2018–2022"
    assert year_label([2019, 2022]) == "2019 och 2022" and year_label([2021, 2022]) == "2021–2022"
    assert year_label([2018, 2020, 2022]) == "2018, 2020 och 2022"
    assert year_slug([2021, 2022]) == "2021-2022" and year_slug([2019, 2022]) == "2019_2022"
    s = Selection((2018, 2019, 2020), "Degerfors/Karlskoga", 4, "Deltagare avslut", "kon", "nyckeltal")
    from finsam_lib.apps.explore import View
    assert View(s, pd.DataFrame(), lambda: None, "").stem == \
        "utforskare_Degerfors-Karlskoga_indikator-4_Deltagare_avslut_kon_nyckeltal_2018-2020"


def test_an_empty_selection_explains_itself(explorer):
    view = explorer.view(Selection((), None, 1, "Deltagare pågående"))
    assert view.frame.empty and view.notes == ["Välj minst ett år."]
    assert "Välj minst ett år." in texts(view.figure)


# --- the widgets (no browser) -------------------------------------------------------------------

@pytest.fixture()
def app(explorer, tmp_path):
    from finsam_lib.apps.explore_app import ExplorerApp
    return ExplorerApp(explorer, tmp_path / "out")


def test_widgets_drive_the_view(app, explorer, results):
    assert app.area.options[0] == NATIONAL and app.area.value == NATIONAL
    assert app.selection == explorer.default()
    forbund = pick_forbund(explorer, small=False)
    app.area.value = forbund  # as a user would: one control at a time
    app.indicator.value = 3
    assert [v for _, v in app.survey.options] == explorer.surveys(3, forbund)
    app.survey.value = "Remittenter"
    assert not app.splits.buttons["arbetsgivare"].disabled and app.splits.buttons["kon"].disabled
    app.splits.buttons["arbetsgivare"].value = True  # a click
    assert app.splits.value == "arbetsgivare"
    app.figures.buttons["fordelning"].value = True
    app.years.buttons[explorer.years[0]].value = False
    s = app.selection
    assert s == Selection(tuple(explorer.years[1:]), forbund, 3, "Remittenter", "arbetsgivare", "fordelning")
    assert_same(app.view.frame, expected_rows(results, s))
    assert app.table.value == app.view.table_html() and app.view.svg() in app.chart.value
    assert "data-indicator='3'" in app.table.value
    # An indicator without remittenter: the survey falls back, the split to samtliga.
    app.indicator.value = 1
    assert app.survey.value == "Deltagare pågående" and app.splits.value == "samtliga"
    assert app.splits.buttons["arbetsgivare"].disabled and not app.splits.buttons["kon"].disabled
    assert_same(app.view.frame, expected_rows(results, app.selection))


def test_single_choice_buttons_keep_exactly_one(app):
    app.splits.buttons["kon"].value = True
    assert app.splits.value == "kon" and not app.splits.buttons["samtliga"].value
    app.splits.buttons["kon"].value = False  # clicking the chosen one again
    assert app.splits.value == "kon"
    assert app.splits.buttons["kon"].button_style == "primary"
    assert app.splits.buttons["samtliga"].button_style == ""


def test_year_shortcuts(app, explorer):
    app.last_year.click()
    assert app.selection.years == (explorer.years[-1],)
    app.all_years.click()
    assert app.selection.years == tuple(explorer.years)


def test_save_buttons_write_files_and_confirm_in_swedish(app):
    app.save_png.click()
    assert "Sparade diagrammet som" in app.status.value
    app.save_csv.click()
    assert "Sparade tabellen som" in app.status.value
    files = sorted(p.suffix for p in app.out.iterdir())
    assert files == [".csv", ".png"]
    assert str(app.out) in app.status.value


# --- finding data and serving -------------------------------------------------------------------

def test_find_data(tmp_path, monkeypatch):
    monkeypatch.delenv("FINSAM_DATA", raising=False)
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "data" / "2022").mkdir(parents=True)
    assert find_data(project / "notebooks") in (None, find_data(tmp_path / "elsewhere"))
    (project / "data" / "2022" / "x.xlsx").write_bytes(b"")
    assert find_data(project / "notebooks") == project / "data"  # a notebook's folder: its parent's data/
    assert find_data(project) == project / "data"
    monkeypatch.setenv("FINSAM_DATA", str(tmp_path / "given"))
    assert find_data(project) == tmp_path / "given"


def test_demo_data_is_written_once_and_reused(tmp_path, monkeypatch):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / ".complete").write_text("ok")
    import finsam_lib.apps.demo
    monkeypatch.setattr(finsam_lib.apps.demo, "write_demo", lambda *a, **k: pytest.fail("rewrote the demo"))
    assert demo_data(folder) == folder


def test_notebook_ships_with_the_package_and_only_calls_into_it(repo_root):
    import json
    source = repo_root / "notebooks" / "explore.ipynb"
    nb = json.loads(source.read_text(encoding="utf-8"))
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "from finsam_lib.apps.explore_app import start" in code
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    from finsam_lib.apps.explore_app import notebook_path
    assert notebook_path() == source


def test_voila_command_and_environment(tmp_path):
    from finsam_lib.apps.explore_app import explore_env, voila_command
    cmd = voila_command(tmp_path / "x.ipynb", 8899)
    assert cmd[1:3] == ["-m", "voila"]
    assert {"--no-browser", "--port=8899", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"} <= set(cmd)
    env = explore_env(tmp_path / "data", tmp_path / "out", 7, base={"PATH": "/bin", "FINSAM_DATA": "old"})
    assert env["FINSAM_DATA"] == str((tmp_path / "data").resolve())
    assert env["FINSAM_OUT"] == str((tmp_path / "out").resolve()) and env["FINSAM_MIN_N"] == "7"
    assert "PYTHONPATH" not in env  # the kernel imports the installed finsam_lib
    assert "FINSAM_DATA" not in explore_env(None, tmp_path, 5, base={"FINSAM_DATA": "old"})


def test_cli_explore_is_registered_and_refuses_a_busy_port(capsys):
    import socket

    from finsam_lib.apps.cli import build_parser, main
    args = build_parser().parse_args(["explore"])
    assert args.port == 8866 and args.data is None and args.min_n == fig.MIN_N
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["explore", "--port", str(port)]) == 1
    assert f"Port {port} är upptagen" in capsys.readouterr().err


def test_an_area_without_answers_on_the_indicator(explorer, app):
    area, indicator = next((f, i) for f in explorer.forbund for i in explorer.indicators()
                           if not explorer.surveys(i, f))
    app.set(area=area, indicator=indicator)
    assert app.survey.disabled and app.selection.survey == ""
    assert app.view.frame.empty and app.save_png.disabled and app.save_csv.disabled
    assert app.view.notes[0].startswith(f"{area} har inga svar på indikator {indicator} något år.")
    assert app.view.notes[0] in texts(app.view.figure)
    app.set(area=NATIONAL)
    assert not app.survey.disabled and app.selection.survey == explorer.surveys(indicator)[0]
    assert not app.view.frame.empty


def test_start_reads_the_data_and_refuses_files_with_errors(demo_dir, tmp_path, monkeypatch):
    from finsam_lib.apps.explore_app import ExplorerApp, start
    monkeypatch.delenv("FINSAM_MIN_N", raising=False)
    app = start(data=demo_dir, out=tmp_path / "out")
    assert isinstance(app, ExplorerApp) and app.out == tmp_path / "out"
    assert "registreringsfiler i" in app.widget.children[0].value and "demodata" not in app.widget.children[0].value
    assert app.explorer.min_n == fig.MIN_N and not app.view.frame.empty
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "trasig.xlsx").write_bytes(b"not a workbook")
    message = start(data=bad, out=tmp_path / "out")
    assert "kan inte utforskas" in message.value and "finsam validate" in message.value


def test_the_interval_checkbox_shows_the_95_percent_intervals(app, explorer, results):
    forbund = pick_forbund(explorer, small=False)
    year = explorer.years[-1]
    app.set(area=forbund, indicator=1, survey="Deltagare pågående", split="samtliga", figure="nyckeltal",
            years=(year,))
    assert not app.intervals.value and "95 %" not in " ".join(app.view.notes)
    app.intervals.value = True  # a click
    s = app.selection
    assert s.intervals
    want = results(year, forbund).figures
    want = want[(want.indicator == 1) & (want.survey == "Deltagare pågående") & (want.group == "samtliga")]
    row = want.iloc[0]
    assert f"{fmt.percent(row.nyckeltal_pct)}\u00a0({row.nyckeltal_ci_low}–{row.nyckeltal_ci_high})" in \
        app.table.value.replace("&nbsp;", "\u00a0")
    assert any("95 % konfidensintervall" in n for n in app.view.notes)
    table = app.view.table()
    assert table["95 % intervall, lägre"].iloc[0] == row.nyckeltal_ci_low
    # The chart draws error bars: one line collection more than without them.
    with_bars = len(app.view.figure.axes[0].collections)
    app.intervals.value = False
    assert len(app.view.figure.axes[0].collections) < with_bars
