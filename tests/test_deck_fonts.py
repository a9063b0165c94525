"""The PowerPoint deck where Calibri is missing (issue 14, point 6): LibreOffice, most Linux
machines and many web viewers draw it in a substitute, and text used to wrap inside words and
numbers ("Förändri/ng", "3 75/0") and a footnote overprinted the responses table.

The deck is rendered by LibreOffice as written (Calibri, drawn in Carlito where installed) and
with DejaVu Sans in Calibri's place (the wide last resort); every word and number of every slide
must come out whole on one line of the PDF. Skipped where LibreOffice is not installed."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from pptx import Presentation
from pptx.util import Emu

from finsam_lib.apps import cli
from finsam_lib.present import text_fit as fit
from finsam_lib.publish.slides_pptx import CELL_MARGIN
from finsam_lib.registration.reader import read_paths

YEAR = 2022
SPACE = re.compile(r"[ \n\t]+")  # ordinary spaces only: U+00A0 and U+202F hold a word together


def test_a_number_with_a_narrow_no_break_space_is_one_word():
    number = fit.text_width("3\u202f750", 16, bold=True)
    assert fit.paragraph_lines([("3\u202f750", 16, True, False)], number - 1) == (1, True)  # would split
    assert fit.paragraph_lines([("3 750", 16, True, False)], number - 1) == (2, False)  # may break
    wider = max(number, fit.text_width("Totalt", 16, bold=True)) + 1
    assert fit.paragraph_lines([("Totalt 3\u202f750", 16, True, False)], wider) == (2, False)


def test_text_shrinks_until_it_fits_and_no_further():
    title = [[("Indikator 8: Respekt mellan medarbetare i samverkan", 34, True, False)]]
    width = 0.8 * fit.text_width(title[0][0][0], 34, bold=True)
    scale = fit.fit_scale(title, width, 34 * fit.LINE_HEIGHT, [0])
    assert scale < 1
    assert fit.paragraph_lines([(title[0][0][0], 34 * scale, True, False)], width)[0] == 1
    assert fit.fit_scale(title, 2 * width, 34 * fit.LINE_HEIGHT, [0]) == 1


@pytest.fixture(scope="module")
def decks(fixture_2020_2022, tmp_path_factory):
    """The national deck and the largest förbund's, with last year to compare with."""
    data = read_paths([fixture_2020_2022])
    r = data.respondents
    sizes = r[r.year == YEAR].groupby("forbund").size()
    with_history = [f for f in sizes.sort_values(ascending=False).index if (r[r.forbund == f].year == YEAR - 1).any()]
    out = tmp_path_factory.mktemp("deck-fonts")
    for who in (["--national"], ["--forbund", with_history[0]]):
        assert cli.main(["slides", *who, "--year", str(YEAR), "--data", str(fixture_2020_2022),
                         "--out", str(out)]) == 0
    return sorted(out.glob("*.pptx"))


def test_every_table_cell_fits_its_column_in_the_wide_substitute(decks):
    tables = [s for deck in decks for slide in Presentation(deck).slides for s in slide.shapes if s.has_table]
    assert tables
    for shape in tables:
        widths = [Emu(c.width).inches for c in shape.table.columns]
        for row in shape.table.rows:
            for width, cell in zip(widths, row.cells):
                run = cell.text_frame.paragraphs[0].runs[0]
                need = fit.text_width(cell.text, run.font.size.pt, bold=run.font.bold) / 72 + 2 * CELL_MARGIN
                assert need <= width, (cell.text, need, width)


def with_font(pptx, folder, font: str):
    """A copy of the deck that asks for ``font`` wherever it asks for Calibri."""
    copy = folder / f"{pptx.stem}-{font.replace(' ', '')}.pptx"
    with zipfile.ZipFile(pptx) as zin, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith(".xml"):
                data = data.replace(b'typeface="Calibri"', f'typeface="{font}"'.encode())
            zout.writestr(item, data)
    return copy


def split_words(pptx, pdf) -> list[tuple[int, str, str]]:
    """(slide, shape, word) of every word or number of the deck that is not whole on one line of
    the rendered PDF: wrapped inside (other than right after a hyphen), or run into a neighbour's text."""
    from pypdf import PdfReader
    bad = []
    for k, (slide, page) in enumerate(zip(Presentation(pptx).slides, PdfReader(pdf).pages), 1):
        text = page.extract_text()
        for shape in slide.shapes:
            texts = ([p.text for p in shape.text_frame.paragraphs] if shape.has_text_frame else
                     [c.text for row in shape.table.rows for c in row.cells] if shape.has_table else [])
            for word in (w for t in texts for w in SPACE.split(t) if w):
                # PDF text may give a no-break space as a plain one; a line break inside fails
                joined = r"[\u00a0\u202f ]".join(map(re.escape, re.split(r"[\u00a0\u202f]", word)))
                # a break right after a hyphen is Swedish typography ("Hälso-/sjukvård"), not a split
                joined = joined.replace(r"\-", "-\n?")
                pattern = re.compile(rf"(?:^|\s){joined}(?:\s|$)", re.M)
                if not pattern.search(text):
                    bad.append((k, shape.name, word))
    return bad


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice saknas")
def test_no_word_or_number_is_split_when_libreoffice_draws_the_deck(decks, tmp_path):
    files = [*decks, *(with_font(d, tmp_path, "DejaVu Sans") for d in decks)]
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, files)],
                   check=True, capture_output=True, timeout=300)
    for pptx in files:
        pdf = tmp_path / f"{pptx.stem}.pdf"
        assert pdf.exists(), f"LibreOffice made no PDF of {pptx.name}"
        assert split_words(pptx, pdf) == [], pptx.name
