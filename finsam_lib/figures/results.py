"""All figures of one year from a dataset: the tables behind figures.csv,
response.csv, trend.csv and changes.csv, and the writing of those files.

Every figure has passed :func:`privacy.disclose` (the one disclosure policy) and carries
its 95 % interval (:mod:`uncertainty`)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from finsam_lib.base.safe_output import csv_safe
from finsam_lib.figures import method as fig
from finsam_lib.figures import privacy
from finsam_lib.figures import uncertainty as unc
from finsam_lib.registration.reader import Dataset

FIGURES_CSV_COLUMNS = [*fig.FIGURE_COLUMNS, "nyckeltal_ci_low", "nyckeltal_ci_high"]


@dataclass
class Results:
    """Every figure of one year, nationally (``forbund`` None) or for one förbund, with the
    disclosure rules applied (method.md, "Small numbers"); made by :func:`compute`."""
    year: int
    forbund: str | None
    distribution: pd.DataFrame  # every year in the data, internal columns
    figures: pd.DataFrame  # figures.csv view of `year`
    response: pd.DataFrame
    trend: pd.DataFrame  # uncertainty.development: Tabell 20 (rule 2 for a förbund) and beyond-chance counts
    changes: pd.DataFrame  # changes.csv (uncertainty.CHANGE_COLUMNS)

    def write(self, out: Path | str) -> list[Path]:
        """figures.csv, response.csv, trend.csv and changes.csv (UTF-8, cells made safe for
        spreadsheets) in the folder ``out``, made if missing; returns their paths."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, table in (("figures", self.figures), ("response", self.response), ("trend", self.trend),
                            ("changes", self.changes)):
            path = out / f"{name}.csv"
            csv_safe(table).to_csv(path, index=False, encoding="utf-8")
            paths.append(path)
        return paths


def select(data: Dataset, forbund: str | None) -> pd.DataFrame:
    """The tidy answers (:attr:`Dataset.tidy`, one row per answer) of one förbund, or all of them."""
    tidy = data.tidy
    return tidy if forbund is None else tidy[tidy.forbund == forbund]


def compute(data: Dataset, year: int, forbund: str | None = None, min_n: int = fig.MIN_N) -> Results:
    """Every figure of `year`, nationally or for one förbund, as the disclosure policy allows."""
    tidy = select(data, forbund)
    level = "national" if forbund is None else "forbund"
    if len(tidy):
        dist = unc.with_intervals(privacy.disclose(fig.distribution(tidy, level=level, min_n=min_n), min_n, level))
    else:
        dist = _empty_distribution()
    this_year = figures_csv(dist[dist.year == year])
    response = fig.response_table(data.respondents, data.population, data.sheets, year, forbund)
    previous = year - 1 if (dist.year == year - 1).any() else None
    trend = unc.development(dist, year, previous, forbund=forbund is not None)
    changes = unc.changes_table(dist, year, previous)
    return Results(year, forbund, dist, this_year, response, trend, changes)


def figures_csv(dist: pd.DataFrame) -> pd.DataFrame:
    """figures.csv: figures.figures_table plus the nyckeltal's 95 % interval (whole percent,
    blank where suppressed)."""
    return fig.figures_table(dist, extra=["nyckeltal_ci_low", "nyckeltal_ci_high"])


def _empty_distribution() -> pd.DataFrame:
    return pd.DataFrame(columns=[*FIGURES_CSV_COLUMNS, "series", "key", "scale", "version"])
