"""`finsam validate`: prints every problem and the row totals; exit 0 with only
warnings, 1 with errors; takes files and folders."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_book

from finsam_lib.apps.cli import main

ROOT = Path(__file__).resolve().parents[1]
POP_HEADER = ["Enkät", "Insats", "Målpopulation", "Tillfrågade"]


def book(path: Path, forbund="Testförbundet", year=2022, styrelse=None, extra=None) -> Path:
    """A registration workbook with a Styrelse sheet (F1-F5): by default two answers and an empty row."""
    rows = styrelse if styrelse is not None else [[5, 5, 5, 5, 5], [], [4, 4, 4, 4, 4]]
    return write_book(path, {
        "Uppgifter": [["Samordningsförbund", forbund], ["Mätår", year]],
        "Population": [POP_HEADER, ["Styrelse", None, 10, 8]],
        "Styrelse": [["F1", "F2", "F3", "F4", "F5"], *rows],
        **(extra or {}),
    })


def run(*args: str) -> subprocess.CompletedProcess:
    """`finsam` as a user runs it (a separate process, so that stdout is exactly what is printed)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "finsam_lib.apps.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def validate(*paths) -> tuple[int, str]:
    done = run("validate", *map(str, paths))
    return done.returncode, done.stdout


def test_valid_folder_exits_0_and_prints_the_totals(tmp_path):
    book(tmp_path / "data" / "a.xlsx")
    book(tmp_path / "data" / "b.xlsx", forbund="Annat förbund")
    code, out = validate(tmp_path / "data")
    assert code == 0
    assert "FEL" not in out and "VARNING" not in out
    assert "a.xlsx | Styrelse: 3 lästa = 2 svar + 1 tomma" in out
    assert "2022 Styrelse: 6 lästa = 4 svar + 2 tomma" in out
    assert "Alla: 6 lästa rader = 4 svar + 2 tomma rader, i 2 filer." in out
    assert out.rstrip().endswith("0 fel, 0 varningar.")


def test_only_warnings_exit_0(tmp_path):
    book(tmp_path / "a.xlsx", extra={"Instruktioner": [["Fyll i en rad per enkät."]]})
    code, out = validate(tmp_path)
    assert code == 0
    assert "VARNING: " in out and "Instruktioner" in out
    assert "0 fel, 1 varningar." in out
    assert "Alla: 3 lästa rader = 2 svar + 1 tomma rader, i 1 filer." in out


def test_errors_exit_1_and_each_names_file_sheet_and_cell(tmp_path):
    path = book(tmp_path / "a.xlsx", styrelse=[[5, 5, 7, 5, 5], [5, "bra", 5, 5, 5]])
    code, out = validate(tmp_path)
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("FEL: ")]
    assert len(lines) == 2
    assert any(f"{path}, Styrelse!C2" in line and "Svarskoden 7" in line for line in lines)
    assert any(f"{path}, Styrelse!B3" in line and "'bra' är inte ett tal" in line for line in lines)
    assert "2 fel, 0 varningar." in out
    # The rows are still accounted for.
    assert "Alla: 2 lästa rader = 2 svar + 0 tomma rader, i 1 filer." in out


def test_errors_are_listed_before_warnings(tmp_path):
    book(tmp_path / "a.xlsx", extra={"Anteckningar": [["x"]]})
    book(tmp_path / "b.xlsx", forbund="B", styrelse=[[9, 5, 5, 5, 5]])
    code, out = validate(tmp_path)
    assert code == 1
    levels = [line.split(":")[0] for line in out.splitlines() if line.startswith(("FEL:", "VARNING:"))]
    assert levels == ["FEL", "VARNING"]


def test_files_and_folders_together(tmp_path):
    single = book(tmp_path / "en fil.xlsx")
    book(tmp_path / "mapp" / "2022" / "b.xlsx", forbund="B")
    book(tmp_path / "mapp" / "2021" / "b.xlsx", forbund="B", year=2021)
    code, out = validate(single, tmp_path / "mapp")
    assert code == 0
    assert "i 3 filer." in out
    assert "2021 Styrelse: 3 lästa = 2 svar + 1 tomma" in out
    assert "2022 Styrelse: 6 lästa = 4 svar + 2 tomma" in out


def test_missing_path_and_unreadable_file_are_errors(tmp_path):
    (tmp_path / "trasig.xlsx").write_text("inte excel", encoding="utf-8")
    code, out = validate(tmp_path / "trasig.xlsx", tmp_path / "finns_inte")
    assert code == 1
    assert "FEL: " + str(tmp_path / "trasig.xlsx") in out and "kan inte läsas" in out
    assert "finns_inte" in out and "finns inte" in out
    assert "Inga svar lästes." in out


def test_many_files_and_the_duplicate_warning(tmp_path):
    # 20 files or more: a progress bar goes to stderr, stdout stays clean.
    for i in range(21):
        book(tmp_path / f"f{i:02d}.xlsx", forbund=f"Förbund {i}")
    (tmp_path / "f00 - kopia.xlsx").write_bytes((tmp_path / "f00.xlsx").read_bytes())
    code, out = validate(tmp_path)
    assert code == 0
    assert "samma innehåll" in out and "0 fel, 1 varningar." in out
    assert "i 21 filer." in out


@pytest.mark.parametrize("broken, expected", [(False, 0), (True, 1)])
def test_main_returns_the_exit_code(tmp_path, broken, expected):
    book(tmp_path / "a.xlsx", styrelse=[[5, 5, 5, 5, "x" if broken else 5]])
    assert main(["validate", str(tmp_path)]) == expected


def test_validate_needs_a_path():
    done = run("validate")
    assert done.returncode == 2
    assert "paths" in done.stderr
