"""`finsam export` (issue 17): the answers as SPSS/Stata/Parquet/CSV with labels, and the
figures of `finsam results` beside them. A few förbund of the demo fixture."""
from __future__ import annotations

import json

import pandas as pd
import pyreadstat
import pytest
from conftest import small_copy

from finsam_lib.apps.cli import main
from finsam_lib.figures import method as fig
from finsam_lib.figures.year import year_figures
from finsam_lib.instrument import definition as ins
from finsam_lib.publish import export
from finsam_lib.publish import provenance as pv
from finsam_lib.registration.reader import read_paths

YEAR = 2022
KEY_CODES = {"klart": (5, 6), "positiv": (4, 5, 6), "ja": (1,)}


@pytest.fixture(scope="module")
def small(fixture_2020_2022, tmp_path_factory):
    return small_copy(fixture_2020_2022, tmp_path_factory.mktemp("export_data"))


@pytest.fixture(scope="module")
def sav(small, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "svar.sav"
    assert main(["export", "--data", str(small), "--year", str(YEAR), "--format", "sav", "--out", str(out)]) == 0
    return out


def test_the_sav_gives_the_same_n_and_nyckeltal_for_every_measure_as_results(small, sav):
    frame, meta = pyreadstat.read_sav(str(sav))
    data = read_paths([small])
    figures = year_figures(data, YEAR).figures
    figures = figures[figures.group == "samtliga"]
    assert len(frame) == int((data.respondents.year == YEAR).sum())
    q = ins.version_questions(ins.default_version(YEAR))
    checked = 0
    for r in figures.itertuples():
        row = q[(q.survey == r.survey) & (q.question == r.question)].iloc[0]
        column = f"{export.SURVEY_CODES[r.survey]}_f{r.question}"
        answers = frame.loc[frame.enkat == r.survey, column].dropna()
        assert len(answers) == r.n, column
        key = ins.questions().set_index(["version", "survey", "question"]).loc[
            (ins.default_version(YEAR), r.survey, r.question), "key"]
        share = fig.percent(int(answers.isin(KEY_CODES[key]).sum()), len(answers))
        if not r.suppressed:
            assert share == r.nyckeltal_pct, column
        # The labels: the question text and the scale.
        assert row.text in meta.column_names_to_labels[column]
        assert meta.variable_value_labels[column] == {float(k): v for k, v in ins.SCALES[row.scale].items()}
        checked += 1
    assert checked == len(figures) > 20
    assert meta.variable_value_labels["kon"][1.0] == "Kvinna"
    assert meta.column_names_to_labels["forbund"] == "Samordningsförbund"


def test_no_ids_unless_asked_and_the_figures_file_beside(small, sav, tmp_path):
    frame, _ = pyreadstat.read_sav(str(sav))
    assert not {"fil", "blad", "rad"} & set(frame.columns)
    assert all(c.isascii() and len(c) <= 32 for c in frame.columns)
    results, meta = pyreadstat.read_sav(str(export.figures_path(sav)))
    expected = year_figures(read_paths([small]), YEAR).figures
    assert len(results) == len(expected)
    assert results.n.tolist() == expected.n.astype(float).tolist()
    assert meta.column_names_to_labels["nyckeltal_pct"] == "Nyckeltal (%)"
    stamp = pv.read_stamp(sav.parent / f"{sav.name}.provenance.json")
    assert stamp["parameters"]["format"] == "sav" and len(stamp["files"]) == len(list(small.rglob("*.xlsx")))
    out = tmp_path / "med-id.csv"
    assert main(["export", "--data", str(small), "--year", "all", "--out", str(out), "--with-ids"]) == 0
    wide = pd.read_csv(out)
    assert {"fil", "blad", "rad"} <= set(wide.columns) and set(wide.ar) == {2021, 2022}


def test_stata_keeps_its_limits_and_parquet_carries_the_labels(small, tmp_path):
    import pyarrow.parquet as pq
    dta, parquet = tmp_path / "svar.dta", tmp_path / "svar.parquet"
    for path in (dta, parquet):
        assert main(["export", "--data", str(small), "--year", "all", "--out", str(path)]) == 0
    frame, meta = pyreadstat.read_dta(str(dta))
    assert all(len(c) <= 32 for c in frame.columns)
    assert all(len(label.encode("utf-8")) <= 80 for label in meta.column_labels)
    assert any(label.endswith("…") for label in meta.column_labels)  # long question texts are cut
    assert meta.variable_value_labels["dp_f1"][6] == "Alltid"
    labels = json.loads(pq.read_table(parquet).schema.metadata[b"finsam"])
    assert labels["values"]["dp_f1"]["6"] == "Alltid"
    assert pd.read_parquet(parquet).shape == frame.shape


def test_a_year_without_answers_is_refused(small, tmp_path, capsys):
    assert main(["export", "--data", str(small), "--year", "2019", "--out", str(tmp_path / "x.sav")]) == 1
    assert "Mätår 2019 har inga svar" in capsys.readouterr().err
