"""Problems found while reading registration files, worded for the user (Swedish)."""
from __future__ import annotations

from dataclasses import dataclass

ERROR = "fel"
WARNING = "varning"


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR or WARNING
    file: str
    message: str
    sheet: str = ""
    cell: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    @property
    def where(self) -> str:
        place = self.file
        if self.sheet:
            place += f", {self.sheet}" + (f"!{self.cell}" if self.cell else "")
        return place

    def __str__(self) -> str:
        return f"{self.level.upper()}: {self.where}: {self.message}"


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """0-based row and column -> an Excel address such as D14."""
    return f"{column_letter(col)}{row + 1}"


def errors(problems) -> list[Problem]:
    return [p for p in problems if p.is_error]


def warnings(problems) -> list[Problem]:
    return [p for p in problems if not p.is_error]
