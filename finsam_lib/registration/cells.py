"""What one cell of a registration workbook holds: names compared up to Unicode form, case and
accents, the survey names they match, and whole numbers (spec: registration-file.md).

Errors are :class:`CellError` with a Swedish message; the sheet readers (:mod:`parse`) add the
file, sheet and cell.
"""
from __future__ import annotations

import datetime as dt
import math
import unicodedata

from finsam_lib.base.errors import FinsamError
from finsam_lib.instrument import definition as ins
from finsam_lib.registration.scans import error_value


def nfc(text: str) -> str:
    """Unicode NFC: an å stored as a + combining ring (as macOS writes names) becomes one å."""
    return unicodedata.normalize("NFC", text)


def name_key(text) -> str:
    """Key for names compared exactly up to Unicode form, case and spaces (sheet and survey names)."""
    return " ".join(nfc(str(text)).casefold().split())


def norm(text) -> str:
    """Case-, space-, accent- and Unicode-form-insensitive key for headers and names."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(text.casefold().split())


SURVEY_BY_KEY = {name_key(s): s for s in ins.SURVEYS}
SURVEY_BY_LOOSE_KEY = {norm(s): s for s in ins.SURVEYS}


class CellError(FinsamError, ValueError):
    """A cell value that is not what was expected (message in Swedish)."""


def whole_number(value) -> int | None:
    """A typed number -> int; blank -> None. Accepts "5", 5.0, " 5 ".

    Raises CellError (Swedish) for anything else, naming Excel error values (#N/A …) and
    formulas without a stored value as such."""
    if type(value) is float and value.is_integer():  # the common case: how Excel stores numbers
        return int(value)
    if value is None or value == "":
        return None
    fault = error_value(value)
    if fault is not None:
        raise CellError(fault.message)
    if isinstance(value, bool):
        raise CellError(f"'{'SANT' if value else 'FALSKT'}' (ett sanningsvärde) är inte ett tal")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(f"'{value}' är inte ett tal")
        if value.is_integer():
            return int(value)
        raise CellError(f"{str(value).replace('.', ',')} är inte ett heltal")
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace("\u202f", "")
        if not text:
            return None
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise CellError(f"'{text}' är inte ett tal") from None
        if not math.isfinite(number):
            raise CellError(f"'{text}' är inte ett tal")
        if number.is_integer():
            return int(number)
        raise CellError(f"'{text}' är inte ett heltal")
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise CellError(f"'{value}' (ett datum eller klockslag) är inte ett tal")
    raise CellError(f"'{value}' är inte ett tal")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    """A cell as text: spaces collapsed, Unicode NFC."""
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(" ".join(str(value).split()))
