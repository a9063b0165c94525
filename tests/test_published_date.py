"""The report date (issue 14, point 4): ``--published YYYY-MM-DD`` on `finsam report national|forbund`,
`finsam batch` and `finsam slides` reaches the notebook parameters and the title page, written as
Swedish prose writes a date ("30 november 2026"); without it the date is today's."""
from __future__ import annotations

import contextlib

import datetime as dt

import pytest
from pptx import Presentation

from finsam_lib.apps import cli, report_commands
from finsam_lib.base import format as fmt
from finsam_lib.present.forbund_report import ForbundReport
from finsam_lib.present.report import NationalReport
from finsam_lib.publish import batch
from finsam_lib.registration.reader import read_paths

YEAR = 2022


@pytest.mark.parametrize("day, text", [
    (dt.date(2026, 11, 30), "30 november 2026"), (dt.date(2023, 2, 1), "1 februari 2023"),
    (dt.date(2024, 5, 9), "9 maj 2024"), (dt.date(2022, 12, 31), "31 december 2022"),
])
def test_dates_are_written_as_swedish_prose(day, text):
    assert fmt.long_date(day) == text


@pytest.fixture
def captured(monkeypatch):
    """Run a command up to the notebook: the parameters it would publish with."""
    seen = {}

    def publish_one(notebook, args, parameters, *rest):
        seen[notebook.name] = parameters
        return 0

    monkeypatch.setattr(report_commands, "publish_one", publish_one)
    monkeypatch.setattr(report_commands, "started_for", lambda *a, **k: contextlib.nullcontext(None))
    return seen


def test_report_commands_pass_the_date_to_the_notebook(fixture_2022, captured, tmp_path):
    forbund = sorted(set(read_paths([fixture_2022]).respondents.forbund))[0]
    common = ["--data", str(fixture_2022), "--year", str(YEAR), "--out", str(tmp_path)]
    assert cli.main(["report", "national", *common, "--published", "2026-11-30"]) == 0
    assert cli.main(["report", "forbund", forbund, *common, "--published", "2023-02-01"]) == 0
    assert captured["national_report.ipynb"]["published"] == "2026-11-30"
    assert captured["forbund_report.ipynb"]["published"] == "2023-02-01"
    assert cli.main(["report", "national", *common]) == 0
    assert captured["national_report.ipynb"]["published"] is None  # the notebook takes today


def test_a_date_that_does_not_exist_is_refused_in_swedish(capsys, tmp_path):
    with pytest.raises(SystemExit):
        cli.main(["report", "national", "--data", ".", "--year", str(YEAR), "--out", str(tmp_path),
                  "--published", "2023-02-30"])
    assert "ogiltigt datum '2023-02-30': skriv ÅÅÅÅ-MM-DD" in capsys.readouterr().err


def test_batch_gives_every_report_the_date(fixture_2022, monkeypatch, tmp_path):
    jobs = []

    class Planned:  # batch.Pool that only keeps the jobs it is given
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

        def run(self, planned, progress=None):
            jobs.extend(planned)
            return []

    monkeypatch.setattr(batch, "Pool", Planned)
    cli.main(["batch", "--data", str(fixture_2022), "--year", str(YEAR), "--out", str(tmp_path),
              "--published", "2026-11-30", "--quiet"])
    assert len(jobs) > 1
    assert {j.parameters["published"] for j in jobs} == {"2026-11-30"}


def test_the_title_pages_show_the_date(fixture_2022):
    national = NationalReport.from_paths(fixture_2022, YEAR, published="2026-11-30").title_page().html
    assert "30 november 2026" in national
    forbund = sorted(set(read_paths([fixture_2022]).respondents.forbund))[0]
    local = ForbundReport.from_paths(fixture_2022, forbund, YEAR, published="2023-02-01").title_page().html
    assert "1 februari 2023" in local
    today = NationalReport.from_paths(fixture_2022, YEAR).title_page().html
    assert fmt.long_date(dt.date.today()) in today


def test_slides_show_the_date_on_the_title_slide(fixture_2022, tmp_path):
    assert cli.main(["slides", "--national", "--year", str(YEAR), "--data", str(fixture_2022),
                     "--out", str(tmp_path), "--published", "2026-11-30"]) == 0
    pptx = next(tmp_path.glob("*.pptx"))
    first = Presentation(pptx).slides[0]
    text = " ".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    assert "Framställd 30 november 2026." in text
    assert "Framställd 30 november 2026." in next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
