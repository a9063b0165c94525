"""``finsam results``: a year's figures as CSV files — figures.csv, response.csv, trend.csv and
changes.csv — written from :class:`year.YearFigures` (the one entry point for figures).

Every figure has passed :func:`privacy.disclose` (the one disclosure policy) and carries
its 95 % interval (:mod:`uncertainty`)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from finsam_lib.base.safe_output import csv_safe
from finsam_lib.figures import method as fig

FIGURES_CSV_COLUMNS = [*fig.FIGURE_COLUMNS, "nyckeltal_ci_low", "nyckeltal_ci_high"]


def figures_csv(dist: pd.DataFrame) -> pd.DataFrame:
    """figures.csv: figures.figures_table plus the nyckeltal's 95 % interval (whole percent,
    blank where suppressed)."""
    return fig.figures_table(dist, extra=["nyckeltal_ci_low", "nyckeltal_ci_high"])


def tables(figures) -> dict[str, pd.DataFrame]:
    """{file stem: table} of a :class:`year.YearFigures`: what ``finsam results`` writes."""
    return {"figures": figures.figures, "response": figures.response(), "trend": figures.trend,
            "changes": figures.changes}


def write_results(figures, out: Path | str) -> list[Path]:
    """The CSV files of :func:`tables` in ``out`` (UTF-8, cells safe from formula injection)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables(figures).items():
        path = out / f"{name}.csv"
        csv_safe(table).to_csv(path, index=False, encoding="utf-8")
        paths.append(path)
    return paths
