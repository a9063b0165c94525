"""finsam slides: the meeting deck, as PowerPoint and as one offline HTML file.

The decks are built once per module through the command line (in-process) from the
demo data; every headline number is checked against year.year_figures.
"""
from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from finsam_lib.apps import cli
from finsam_lib.base import format as fmt
from finsam_lib.figures.year import year_figures
from finsam_lib.instrument import definition as ins
from finsam_lib.present import slides
from finsam_lib.present.deck import NO_COMPARISON, TOO_FEW
from finsam_lib.registration.names import safe_filename

YEAR = 2022
MIN_N = 5
MEASURE = re.compile(r"^(?P<survey>.+), fråga (?P<question>\d+) · (?P<group>\S+)$")


@pytest.fixture(scope="module")
def data(demo_data):
    return demo_data


@pytest.fixture(scope="module")
def forbund(data) -> str:
    """A förbund with answers last year and this, whose board (the only survey of indicator 14)
    has fewer than MIN_N answers this year: its indicator 14 headline must be suppressed."""
    r = data.respondents
    years = r.groupby("forbund").year.agg(set)
    now = r[r.year == YEAR].groupby(["forbund", "survey"]).size().unstack(fill_value=0)
    ok = now[(now.get("Styrelse", 0) > 0) & (now.get("Styrelse", 0) < MIN_N)
             & (now["Deltagare pågående"] >= 20)]
    names = [f for f in ok.index if {YEAR - 1, YEAR} <= years[f]]
    assert names, "the demo data should have a small förbund with history"
    return sorted(names)[0]


@pytest.fixture(scope="module")
def national(demo_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("slides-national")
    code = cli.main(["slides", "--national", "--year", str(YEAR), "--data", str(demo_dir), "--out", str(out)])
    assert code == 0
    return out / f"bildspel-{YEAR}-riket.pptx", out / f"bildspel-{YEAR}-riket.html"


@pytest.fixture(scope="module")
def forbund_deck(demo_dir, tmp_path_factory, forbund):
    out = tmp_path_factory.mktemp("slides-forbund")
    typed = forbund.lower()  # matched forgivingly
    code = cli.main(["slides", "--forbund", typed, "--year", str(YEAR), "--data", str(demo_dir),
                     "--out", str(out), "--min-n", str(MIN_N)])
    assert code == 0
    stem = f"bildspel-{YEAR}-{safe_filename(forbund)}"
    return out / f"{stem}.pptx", out / f"{stem}.html"


# --- helpers ------------------------------------------------------------------------------------

def shapes(slide) -> dict[str, str]:
    return {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}


def has_picture(slide) -> bool:
    return any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes)


def all_text(prs) -> str:
    parts = []
    for slide in prs.slides:
        for s in slide.shapes:
            if s.has_text_frame:
                parts.append(s.text_frame.text)
            if s.has_table:
                parts += [c.text for row in s.table.rows for c in row.cells]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def expected_headline(results, measure_text: str) -> tuple[str, float | None]:
    """What the slide must show for the measure it names: the nyckeltal of year.year_figures."""
    m = MEASURE.match(measure_text)
    assert m, measure_text
    f = results.figures
    row = f[(f.survey == m["survey"]) & (f.question == int(m["question"])) & (f.group == m["group"])]
    assert len(row) == 1, measure_text
    row = row.iloc[0]
    if row.suppressed:
        return TOO_FEW, None
    return fmt.percent(row.nyckeltal_pct), float(row.nyckeltal_pct)


def check_deck(prs, results, html_path, national_results=None) -> dict[int, str]:
    """The checks both decks share; returns the headline text per indicator."""
    s = list(prs.slides)
    assert prs.slide_width * 9 == prs.slide_height * 16  # 16:9
    assert f"{YEAR}" in shapes(s[0])["title"] + shapes(s[0])["subtitle"]
    assert shapes(s[1])["title"] == f"Sammanfattning {YEAR}"
    dist = results.dist
    expected = [i for i in ins.measured_indicators()
                if ((dist.year == YEAR) & (dist.indicator == i) & (dist.n > 0)).any()]
    assert len(s) == 2 + len(expected)
    headlines = {}
    for slide, indicator in zip(s[2:], expected):
        t = shapes(slide)
        assert t["title"].startswith(f"Indikator {indicator}: ")
        value, number = expected_headline(results, t["headline-measure"].splitlines()[0])
        assert t["headline-value"].startswith(value), (indicator, t["headline-value"], value)
        if number is None:
            assert "%" not in t["headline-value"].split("Riket")[0]
        else:
            assert has_picture(slide), indicator
        if national_results is not None:
            m = MEASURE.match(t["headline-measure"].splitlines()[0])
            f = national_results.figures
            nat = f[(f.survey == m["survey"]) & (f.question == int(m["question"])) & (f.group == m["group"])]
            assert f"Riket: {fmt.percent(nat.nyckeltal_pct.iloc[0])}" in t["headline-value"] + t["headline-details"]
        headlines[indicator] = t["headline-value"]
    # The HTML deck: one section per slide, no web addresses, the same headline numbers, print CSS.
    text = html_path.read_text(encoding="utf-8")
    sections = re.findall(r'<section class="slide[^"]*"[^>]*>', text)
    assert len(sections) == len(s)
    assert not re.search(r"https?:", text)
    assert not re.search(r"<(?:link|img|iframe)\b|\bsrc=", text)
    assert "@media print" in text and "break-after: page" in text
    for indicator, value in headlines.items():
        part = text.split(f'data-indicator="{indicator}"', 1)[1].split("<section", 1)[0]
        shown = value.split("   ")[0]
        assert f">{html.escape(shown)}" in part, (indicator, shown)
    return headlines


# --- tests ----------------------------------------------------------------------------------------

def test_national_deck(national, data):
    pptx, page = national
    prs = Presentation(pptx)
    results = year_figures(data, YEAR)
    headlines = check_deck(prs, results, page)
    measured = ins.version_questions(ins.default_version(YEAR)).indicator.nunique()  # all but 11
    assert len(headlines) == measured
    s = list(prs.slides)
    total = results.response().set_index("survey").loc["Totalt"]
    title = shapes(s[0])["facts"]
    assert f"{fmt.number(total.antal_svar)} enkäter" in title
    assert f"{fmt.number(total.forbund_count)} samordningsförbund" in title
    # Summary: every indicator under its Tabell 20 verdict, and the responses table.
    summary = shapes(s[1])["verdicts"]
    totalt = results.trend[results.trend.group == "totalt"]
    assert len(totalt) == measured
    blocks = dict(re.findall(r"[▲●▼–] (.+?)(?: \(\d+ indikatorer?\)|: inga indikatorer)\n?(.*)", summary))
    for r in totalt.itertuples():
        name = f"{r.indicator}\u00a0{ins.indicators()[r.indicator].short_name}"
        assert name in blocks[r.classification], (r.indicator, r.classification)
    table = next(sh for sh in s[1].shapes if sh.has_table).table
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["Enkät", str(YEAR - 1), str(YEAR), "Förändring"]
    totals = next(row for row in cells if row[0] == "Totalt")
    assert totals[2] == fmt.number(total.antal_svar)
    # The headline measure: the first deltagare measure, else the indicator's first.
    t1, t8 = shapes(s[2]), shapes(s[2 + 7])
    assert t1["headline-measure"].startswith("Deltagare pågående, fråga 1 · samtliga")
    assert t8["title"].startswith("Indikator 8") and t8["headline-measure"].startswith("Personal, fråga 3 · samtliga")
    # The change since last year, in procentenheter.
    d = results.dist
    row = d[(d.survey == "Deltagare pågående") & (d.question == 1) & (d.group == "samtliga")].set_index("year")
    change = row.at[YEAR, "nyckeltal_pct"] - row.at[YEAR - 1, "nyckeltal_pct"]
    assert f"{fmt.pp(change)} sedan {YEAR - 1}" in t1["headline-details"]
    assert "Riket" not in t1["headline-value"]


def test_forbund_deck(forbund_deck, data, forbund):
    pptx, page = forbund_deck
    prs = Presentation(pptx)
    results = year_figures(data, YEAR, forbund, MIN_N)
    national = year_figures(data, YEAR, None, MIN_N)
    headlines = check_deck(prs, results, page, national_results=national)
    s = list(prs.slides)
    assert shapes(s[0])["title"] == forbund
    # Indicator 14 rests on the board alone, which has too few answers.
    assert headlines[14].startswith(TOO_FEW)
    assert any(v[0].isdigit() for v in headlines.values())
    # Nothing about other förbund: no name, in slides, tables or notes, nor in the HTML.
    text = all_text(prs) + page.read_text(encoding="utf-8")
    others = set(data.respondents.forbund) - {forbund}
    leaked = [n for n in others if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]
    assert not leaked


def test_cli_messages(demo_dir, tmp_path, capsys):
    # an unknown förbund: a Swedish hint, exit code 2
    assert cli.main(["slides", "--forbund", "finns inte alls", "--year", str(YEAR), "--data", str(demo_dir),
                     "--out", str(tmp_path)]) == 2
    assert "finns inte i data" in capsys.readouterr().err
    assert cli.main(["slides", "--national", "--year", "1999", "--data", str(demo_dir),
                     "--out", str(tmp_path)]) == 1
    assert "Mätår 1999 finns inte" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_deck_as_data(data, forbund):
    """The deck is data: built from YearFigures without drawing anything."""
    results = year_figures(data, YEAR, forbund, min_n=1000)  # everything suppressed
    deck = slides.build_deck(results)
    assert [s.kind for s in deck.slides[:2]] == ["title", "summary"]
    assert deck.file_stem == f"bildspel-{YEAR}-{safe_filename(forbund)}"
    for s in deck.indicator_slides():
        assert s.headline is None or s.headline.suppressed
        assert s.chart is None
        assert s.facts and "för få svar" in s.facts[0]
    summary = deck.slides[1]
    assert not [g for g in summary.groups if g.items and g.classification != NO_COMPARISON]


def test_headline_prefers_shown_deltagare_measure():
    rows = pd.DataFrame({
        "survey": ["Personal", "Deltagare avslut", "Deltagare avslut", "Deltagare pågående"],
        "question": [1, 8, 9, 3], "group": "samtliga", "n": [40, 30, 20, 3],
        "key": ["klart", "ja", "klart", "klart"], "nyckeltal_pct": [50.0, 80.0, 60.0, float("nan")],
    })
    # Pågående is suppressed; the ja/nej question yields to a scale question.
    best = slides.headline_row(rows)
    assert (best.survey, best.question) == ("Deltagare avslut", 9)
    # Nothing shown: the first measure with answers, suppressed.
    hidden = rows.assign(nyckeltal_pct=float("nan"))
    best = slides.headline_row(hidden)
    assert (best.survey, best.question) == ("Deltagare pågående", 3)


def test_html_deck_escapes_forbund_name(data, forbund):
    """A förbund name with markup in it is text in the HTML deck (<title>, title slide, footers,
    facts, speaker notes), never markup: the templates escape every value."""
    from dataclasses import replace
    from html.parser import HTMLParser

    from finsam_lib.publish.slides_html import deck_html
    evil = 'A & B <script>alert("x")</script>'
    deck = slides.build_deck(year_figures(data, YEAR, forbund, min_n=1000))  # no charts to draw
    deck = replace(deck, forbund=evil)
    deck.slides[0].title = evil
    deck.slides[0].notes = evil
    deck.indicator_slides()[0].facts.append(evil)
    page = deck_html(deck)
    assert evil not in page and "<script>alert" not in page
    assert page.count("<script>") == 1  # the deck's own navigation script only
    assert html.escape(evil, quote=False).replace('"', "&#34;") in page

    class Texts(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.tags, self.texts = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, d):
            self.texts.append(d)
    parsed = Texts()
    parsed.feed(page)
    assert parsed.tags.count("script") == 1
    texts = "\n".join(parsed.texts)
    # <title>, the title slide's heading and notes, a fact, and every footer but the title slide's
    assert texts.count(evil) == 4 + len(deck.slides) - 1
