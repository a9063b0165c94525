"""Swedish number style (finsam_lib.base.format)."""
import math

import numpy as np
import pandas as pd
import pytest

from finsam_lib.base import format as fmt


@pytest.mark.parametrize("value, text", [
    (1650, "1\u202f650"), (3967.0, "3\u202f967"), (21595, "21\u202f595"), (5, "5"), (0, "0"),
    (-3, "\u22123"), (1234567, "1\u202f234\u202f567"), (2.5, "3"), (0.5, "1"), (-0.4, "0"),
])
def test_number_groups_thousands_with_a_narrow_no_break_space(value, text):
    assert fmt.number(value) == text


def test_decimals_use_a_comma():
    assert fmt.number(4319.2, decimals=1) == "4\u202f319,2"


@pytest.mark.parametrize("missing", [None, math.nan, np.nan, pd.NA, ""])
def test_missing_values_print_as_a_dash(missing):
    assert fmt.number(missing) == fmt.DASH
    assert fmt.percent(missing) == fmt.DASH


def test_percent_and_changes():
    assert fmt.percent(78) == "78\u00a0%"
    assert fmt.percent(100.0) == "100\u00a0%"
    assert fmt.signed(3) == "+3" and fmt.signed(-2) == "\u22122" and fmt.signed(0) == "±0"
    assert fmt.pp(3) == "+3\u00a0procentenheter"
    assert fmt.pp(-1) == "\u22121\u00a0procentenhet"
    assert fmt.pp_abs(-7) == "7\u00a0procentenheter"


def test_labels_spans_and_words():
    assert fmt.n_label("samtliga", 1629) == "samtliga (n=1\u202f629)"
    assert fmt.n_label("kvinnor", None) == "kvinnor"
    assert fmt.year_span(2018, 2022) == "2018\u20132022" and fmt.year_span(2022, 2022) == "2022"
    assert fmt.join_words(["a", "b", "c"]) == "a, b och c" and fmt.join_words(["a"]) == "a"
    assert fmt.count_word(7) == "sju" and fmt.count_word(1, neuter=True) == "ett" and fmt.count_word(36) == "36"


@pytest.mark.parametrize("value", [0, 7, 1650, 21595, -12])
def test_parse_number_reads_back_what_number_writes(value):
    assert fmt.parse_number(fmt.number(value)) == value
    assert fmt.parse_number(fmt.percent(value)) == value
    assert fmt.parse_number(fmt.DASH) is None
