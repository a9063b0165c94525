"""A förbund report computes its frames once and looks values up (issue 15): every look-up
gives the same figures as filtering the whole frame again, as the sections did before.

On the demo set (2021–2022): for each indicator of two förbund, the key-figure table, the
sentences' changes and riket comparison, the bars and the trend lines.
"""
from __future__ import annotations

import pandas as pd
import pytest

from finsam_lib.instrument import definition as ins
from finsam_lib.present import commentary as com
from finsam_lib.present import forbund_charts as fc
from finsam_lib.present.forbund_report import ForbundReport
from finsam_lib.present.forbund_tables import compare_with_riket, keyfigure_table
from finsam_lib.publish.batch import forbund_of_year
from finsam_lib.registration.reader import read_paths

YEAR = 2022


@pytest.fixture(scope="module")
def reports(demo_2021_2022):
    data = read_paths([demo_2021_2022])
    names = forbund_of_year(data, YEAR)
    return [ForbundReport(data, name, YEAR) for name in (names[0], names[-1])]


def test_keyfigure_table_with_precomputed_frames_is_the_same(reports):
    for r in reports:
        for i in ins.measured_indicators():
            m = r.measures(i)
            years = r.table_years(m)
            own = keyfigure_table(r.samtliga, r.national, m, years, YEAR, "1", i, r.min_n, r.previous)
            looked_up = keyfigure_table(r.samtliga, r.national, m, years, YEAR, "1", i, r.min_n, r.previous,
                                        changes=r.year_changes, vs_riket=r.riket_differences)
            pd.testing.assert_frame_equal(own.rows, looked_up.rows)
            assert own.notes == looked_up.notes and own.caption == looked_up.caption


def test_changes_and_riket_per_indicator_are_the_report_wide_ones_picked(reports):
    for r in reports:
        assert r.previous is not None
        for i in ins.measured_indicators():
            own = com.changes(r.samtliga, i, YEAR, r.previous)
            picked = com.changes(r.samtliga, i, YEAR, r.previous, computed=r.year_changes)
            # Same rows and values (here and below); for an indicator without rows the empty verdict
            # column's dtype differs (object or float on its own, string when picked).
            pd.testing.assert_frame_equal(own.reset_index(drop=True), picked.reset_index(drop=True),
                                          check_dtype=bool(len(own)))
            own = compare_with_riket(r.samtliga, r.national, YEAR, i)
            picked = r.riket[r.riket.indicator == i]
            pd.testing.assert_frame_equal(own.reset_index(drop=True), picked.reset_index(drop=True),
                                          check_dtype=bool(len(own)))
        assert len(r.riket) and len(r.year_changes)  # the comparisons above compared something


def test_bars_and_trend_lines_from_the_split_frame_are_the_same(reports):
    from finsam_lib.present.forbund_tables import by_series

    for r in reports:
        split = by_series(r.samtliga)
        for series, part in split.items():
            pd.testing.assert_frame_equal(fc.bar_rows(r.samtliga, series, r.years),
                                          fc.bar_rows(part, series, r.years))
        wanted = [(s, s) for s in list(split)[:3]]
        points = fc.trend_points(r.samtliga, r.national, wanted, r.years)
        for s, _ in wanted:
            mine = points[points.line == f"{s}, förbundet"].set_index("year").value
            rows = r.samtliga[r.samtliga.series == s].set_index("year").nyckeltal_pct.reindex(r.years)
            pd.testing.assert_series_equal(mine, rows.astype(float), check_names=False)


def test_comments_drafted_at_once_are_each_indicators_own(reports):
    """prose.indicator_comments (the report-wide frames split once, the changes picked) gives every
    indicator the comment it gets on its own, from its own rows and its own changes."""
    from finsam_lib.present import prose

    for r in reports:
        together = prose.indicator_comments(r.dist, YEAR, r.previous, r.trend, changes=r.all_changes, riket=r.riket)
        for i in ins.measured_indicators():
            alone = prose.indicator_comment(r.dist, i, YEAR, r.previous, r.trend, riket=r.riket)
            assert together.get(i, []) == alone, i
        assert len(together) > 3 and any("ämfört med 2021" in " ".join(c) for c in together.values())
