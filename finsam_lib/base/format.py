"""Swedish number style for everything a reader sees: ``1 650``, ``78 %``, ``+3``.

Thousands are separated by a narrow no-break space, a percent sign follows a
no-break space, minus is the typographic minus sign. Missing values print as
an en dash. Pure functions over scalars.
"""
from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd

THIN = "\u202f"  # narrow no-break space: thousands separator
NBSP = "\u00a0"  # no-break space: before % and between a number and its unit
MINUS = "\u2212"
DASH = "\u2013"  # en dash: missing value, year spans


def missing(value) -> bool:
    """None, NaN, pandas NA and empty strings count as missing."""
    if isinstance(value, str):
        return value == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _whole(value) -> int:
    return int(math.floor(float(value) + 0.5)) if float(value) >= 0 else -int(math.floor(-float(value) + 0.5))


def number(value, decimals: int = 0, empty: str = DASH) -> str:
    """``1650`` -> ``1 650``; ``-3`` -> ``−3``; ``2.5, decimals=1`` -> ``2,5``."""
    if missing(value):
        return empty
    if decimals:
        text = f"{abs(float(value)):,.{decimals}f}"
        negative = float(value) < 0 and float(text.replace(",", "")) != 0
    else:
        whole = _whole(value)
        text, negative = f"{abs(whole):,}", whole < 0
    text = text.replace(",", THIN).replace(".", ",")
    return (MINUS if negative else "") + text


def percent(value, empty: str = DASH) -> str:
    """A whole percent: ``78`` -> ``78 %``."""
    return empty if missing(value) else f"{number(value)}{NBSP}%"


def signed(value, empty: str = DASH) -> str:
    """A change with its sign: ``3`` -> ``+3``, ``-2`` -> ``−2``, ``0`` -> ``±0``."""
    if missing(value):
        return empty
    whole = _whole(value)
    return ("+" if whole > 0 else "±" if whole == 0 else "") + number(whole)


def pp(value, empty: str = DASH) -> str:
    """A change in percentage points: ``+3 procentenheter``."""
    if missing(value):
        return empty
    unit = "procentenhet" if abs(_whole(value)) == 1 else "procentenheter"
    return f"{signed(value)}{NBSP}{unit}"


def pp_abs(value) -> str:
    """A distance in percentage points without sign: ``7 procentenheter``."""
    whole = abs(_whole(value))
    return f"{number(whole)}{NBSP}{'procentenhet' if whole == 1 else 'procentenheter'}"


def n_label(label: str, n) -> str:
    """A row label with its number of answers: ``samtliga (n=1 629)``."""
    return label if missing(n) else f"{label} (n={number(n)})"


def year_span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}{DASH}{last}"


def join_words(items, last: str = "och") -> str:
    """``['a', 'b', 'c']`` -> ``a, b och c`` (``last='eller'``: ``a, b eller c``); see
    :func:`swedish.format_list`."""
    from finsam_lib.base.swedish import format_list
    return format_list(items, style="or" if last == "eller" else "standard")


def count_word(value: int, neuter: bool = False) -> str:
    """Small counts in words (7 -> ``sju``; 1 -> ``en``/``ett``); see :func:`swedish.number_word`."""
    from finsam_lib.base.swedish import EN, ETT, number_word
    return number_word(value, ETT if neuter else EN)


def long_date(day: dt.date) -> str:
    """A date as Swedish prose writes it: ``2026-11-30`` -> ``30 november 2026`` (CLDR, via Babel)."""
    from babel.dates import format_date
    return format_date(day, format="d MMMM y", locale="sv")


def parse_number(text: str) -> float | None:
    """Inverse of :func:`number`/:func:`percent` for tests and readers: ``1 650`` -> 1650."""
    text = re.sub(r"[\s\u00a0\u202f%]", "", str(text)).replace(MINUS, "-").replace(",", ".")
    if text in ("", DASH, "-"):
        return None
    try:
        return float(text)
    except ValueError:
        return None


def genitive(name: str) -> str:
    """Swedish genitive: ``Gävleborg`` -> ``Gävleborgs``; a name ending in s, x or z is unchanged."""
    return name if name[-1:].casefold() in ("s", "x", "z") else f"{name}s"
