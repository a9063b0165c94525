"""Shared test helpers."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The project's root folder (where pyproject.toml is)."""
    return ROOT

SHARED = ROOT.parent / "shared"
PUBLISHED = SHARED / "reference" / "published"


@pytest.fixture(scope="session")
def published() -> Path:
    """The published national figures (the yardstick)."""
    if not PUBLISHED.is_dir():
        pytest.skip("../shared/reference/published is not here")
    return PUBLISHED


@pytest.fixture(scope="session")
def fixture_2022(tmp_path_factory) -> Path:
    """Registration files whose national figures add up to the published 2022 report."""
    from finsam_lib.demo import write_fixture
    return write_fixture(tmp_path_factory.mktemp("fixture2022"), years=(2022,))


@pytest.fixture(scope="session")
def fixture_2020_2022(tmp_path_factory) -> Path:
    """As fixture_2022, with 2020 and 2021 built from the published key figures."""
    from finsam_lib.demo import write_fixture
    return write_fixture(tmp_path_factory.mktemp("fixture2020_2022"), years=(2020, 2021, 2022))


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """The whole demo set, 2018–2022, as `finsam demo` writes it."""
    from finsam_lib.demo import write_demo
    out = tmp_path_factory.mktemp("demo")
    write_demo(out, seed=0)
    return out


def write_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook with exactly these sheets; rows are lists of cell values (None = blank,
    [] = an empty row). For crafting untidy registration files cell by cell."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# A few förbund of the demo (issue 17), with the demo merger's predecessors and successor.
DEMO_FEW = ["Gotland", "Bengtsfors_Åmål_Dals-Ed", "Säffle_Årjäng", "Bengtsfors-Åmål-Dals-Ed_Säffle-Årjäng-BÅD-ESÅ"]


def small_copy(fixture, folder, years=(2021, 2022), keep=DEMO_FEW):
    """A few förbund's workbooks (and the förbund history) from the demo fixture."""
    for year in years:
        for name in keep:
            src = fixture / str(year) / f"{name}.xlsx"
            if src.is_file():
                (folder / str(year)).mkdir(parents=True, exist_ok=True)
                shutil.copy(src, folder / str(year) / src.name)
    shutil.copy(fixture / "forbund-historik.csv", folder)
    return folder


def change_one_answer(path):
    """Re-save a workbook with its first Deltagare pågående answer changed."""
    from openpyxl import load_workbook
    wb = load_workbook(path)
    ws = wb["Deltagare pågående"]
    header = [c.value for c in ws[1]]
    col = header.index("F1") + 1
    cell = ws.cell(2, col)
    cell.value = 1 if cell.value != 1 else 2
    wb.save(path)
