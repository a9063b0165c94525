"""Förbund names typed by users, and safe file names."""
from __future__ import annotations

import pytest

from finsam_lib.registration.names import UnknownForbund, match_forbund, safe_filename

NAMES = ["Degerfors/Karlskoga", "Södra Vänern", "Bengtsfors, Åmål, Dals-Ed Säffle, Årjäng (BÅD-ESÅ)",
         "Norra Örebro län (SOFINT)", "Väst", "Västerås"]


@pytest.mark.parametrize("typed,expected", [
    ("degerfors karlskoga", "Degerfors/Karlskoga"), ("DEGERFORS/KARLSKOGA", "Degerfors/Karlskoga"),
    ("sodra vanern", "Södra Vänern"), ("  Södra   Vänern ", "Södra Vänern"), ("vast", "Väst"),
    ("vasteras", "Västerås"), ("bad-esa", "Bengtsfors, Åmål, Dals-Ed Säffle, Årjäng (BÅD-ESÅ)"),
    ("sofint", "Norra Örebro län (SOFINT)")])
def test_forgiving_match(typed, expected):
    assert match_forbund(typed, NAMES) == expected


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownForbund, match="Menade du 'Södra Vänern'"):
        match_forbund("Södra Vänen", NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_safe_filenames(name):
    safe = safe_filename(name)
    assert not set(safe) & set('/\\:*?"<>|,() ')
    assert safe


def test_safe_filenames_are_distinct():
    assert len({safe_filename(n) for n in NAMES}) == len(NAMES)
