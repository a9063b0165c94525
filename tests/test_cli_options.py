"""The options several commands share are defined once (argparse parent parsers in apps/cli.py):
each command that takes one parses it the same way."""
from __future__ import annotations

import datetime as dt

import pytest

from finsam_lib.apps.cli import build_parser
from finsam_lib.figures import method as fig

REQUIRED = {"--data": "d", "--year": "2022", "--out": "o"}
COMMANDS = {  # command line before the options -> the shared options it takes
    ("results",): ["--data", "--year", "--out", "--min-n"],
    ("report", "national"): ["--data", "--year", "--out", "--min-n", "--formats", "--published"],
    ("report", "forbund", "Västerås"): ["--data", "--year", "--out", "--min-n", "--formats", "--published"],
    ("batch",): ["--data", "--year", "--out", "--min-n", "--formats", "--published"],
    ("slides", "--national"): ["--year", "--out", "--min-n", "--published"],
}


def parse(words, options, extra=()):
    argv = [*words, *(x for o in options if o in REQUIRED for x in (o, REQUIRED[o])), *extra]
    return build_parser().parse_args(argv)


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_shared_options_parse_alike(words):
    options = COMMANDS[words]
    args = parse(words, options)
    assert args.year == 2022 and args.out == "o"
    assert args.min_n == fig.MIN_N
    if "--published" in options:
        assert args.published is None
        assert parse(words, options, ["--published", "2026-11-30"]).published == dt.date(2026, 11, 30)
    if "--formats" in options:
        assert args.formats is None and parse(words, options, ["--formats", "html"]).formats == "html"
    assert parse(words, options, ["--min-n", "3"]).min_n == 3


@pytest.mark.parametrize("words", [w for w in COMMANDS if "--data" in COMMANDS[w]], ids=" ".join)
def test_required_options_are_required(words, capsys):
    with pytest.raises(SystemExit) as stop:
        parse(words, [o for o in COMMANDS[words] if o != "--data"])
    assert stop.value.code == 2
    assert "--data" in capsys.readouterr().err


def test_a_bad_date_is_refused_in_swedish(capsys):
    with pytest.raises(SystemExit):
        parse(("batch",), COMMANDS[("batch",)], ["--published", "30/11/2026"])
    assert "skriv ÅÅÅÅ-MM-DD" in capsys.readouterr().err
