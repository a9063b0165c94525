"""All figures of one year from a dataset: the tables behind figures.csv,
response.csv and trend.csv, and the writing of those files."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import figures as fig
from .reader import Dataset
from .safe_output import csv_safe


@dataclass
class Results:
    year: int
    forbund: str | None
    distribution: pd.DataFrame  # every year in the data, internal columns
    figures: pd.DataFrame  # figures.csv view of `year`
    response: pd.DataFrame
    trend: pd.DataFrame

    def write(self, out: Path | str) -> list[Path]:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, table in (("figures", self.figures), ("response", self.response), ("trend", self.trend)):
            path = out / f"{name}.csv"
            csv_safe(table).to_csv(path, index=False, encoding="utf-8")
            paths.append(path)
        return paths


def select(data: Dataset, forbund: str | None) -> pd.DataFrame:
    tidy = data.tidy
    return tidy if forbund is None else tidy[tidy.forbund == forbund]


def compute(data: Dataset, year: int, forbund: str | None = None, min_n: int = fig.MIN_N) -> Results:
    """Every figure of `year`, nationally or for one förbund."""
    tidy = select(data, forbund)
    level = "national" if forbund is None else "forbund"
    dist = fig.distribution(tidy, level=level, min_n=min_n) if len(tidy) else _empty_distribution()
    this_year = fig.figures_table(dist[dist.year == year])
    response = fig.response_table(data.respondents, data.population, data.sheets, year, forbund)
    trend = fig.development(dist, year, year - 1 if (dist.year == year - 1).any() else None)
    return Results(year, forbund, dist, this_year, response, trend)


def _empty_distribution() -> pd.DataFrame:
    return pd.DataFrame(columns=[*fig.FIGURE_COLUMNS, "series", "key", "scale", "version"])
