"""Room for text whose font the reader may not have: the deck asks for Calibri, but LibreOffice,
most Linux machines and many web viewers draw it in a substitute. Carlito has Calibri's
metrics; DejaVu Sans, the usual last resort, is about a fifth wider. Text is therefore
measured in DejaVu Sans (bundled with matplotlib, so every machine measures alike): a box whose
text fits in DejaVu Sans fits in Calibri, Carlito, Liberation Sans and Arial too.

Pure functions over runs ``(text, size_pt, bold, italic)``; widths and heights in points.
Lines break at ordinary spaces only: a no-break space (U+00A0) or narrow no-break space
(U+202F, the thousands separator of :mod:`finsam_lib.base.format`) holds ``3 750`` and ``78 %``
together.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LINE_HEIGHT = 1.2  # line pitch / font size: LibreOffice's for Carlito (1.22) and DejaVu Sans (1.16)
MIN_SCALE = 0.6  # never shrink text below this share of its designed size
_FILES = {(False, False): "DejaVuSans.ttf", (True, False): "DejaVuSans-Bold.ttf",
          (False, True): "DejaVuSans-Oblique.ttf", (True, True): "DejaVuSans-BoldOblique.ttf"}


@lru_cache(maxsize=None)
def _font(bold: bool, italic: bool):
    import matplotlib
    from matplotlib.ft2font import FT2Font
    font = FT2Font(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / _FILES[bold, italic]))
    font.set_size(1000, 72)  # 1 000 pt: advances in thousandths of the font size
    return font


@lru_cache(maxsize=4096)
def _advance(char: str, bold: bool, italic: bool) -> float:
    """A character's advance width as a share of the font size (DejaVu Sans)."""
    return _font(bold, italic).load_char(ord(char)).linearHoriAdvance / 65536 / 1000


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Width in points of ``text`` set in DejaVu Sans at ``size`` pt (no kerning: a little slack)."""
    return size * sum(_advance(c, bool(bold), bool(italic)) for c in text)


def _pieces(runs):
    """(word width, width of the space after it) in points; a word may span runs."""
    word, out = 0.0, []
    for text, size, bold, italic in runs:
        parts = text.split(" ")
        for k, part in enumerate(parts):
            word += text_width(part, size, bold, italic)
            if k < len(parts) - 1:  # an ordinary space ends the word
                out.append((word, text_width(" ", size, bold, italic)))
                word = 0.0
    out.append((word, 0.0))
    return out


def paragraph_lines(runs, width: float) -> tuple[int, bool]:
    """(lines a paragraph takes in ``width`` points, whether some word is wider than a line
    and would be split inside)."""
    lines, used, split = 1, 0.0, False
    for word, space in _pieces(runs):
        if word > width:
            split = True
        if used and used + word > width:
            lines, used = lines + 1, 0.0
        used += word + space
    return lines, split


def fit_scale(paragraphs, width: float, height: float, spaces) -> float:
    """The largest scale (1, 0.95, … down to :data:`MIN_SCALE`) at which ``paragraphs`` (lists of
    runs) fit a text area of ``width`` × ``height`` points with no word split inside.

    ``spaces``: space after each paragraph in points (scaled too). A box drawn lower than its text's
    unwrapped height (a big figure in a tight box) is not shrunk for that: only the lines that
    wrapping adds have to fit."""
    one_line = sum(max(r[1] for r in runs) * LINE_HEIGHT + s for runs, s in zip(paragraphs, spaces))
    room = max(height, one_line)
    scale = 1.0
    while scale > MIN_SCALE:
        need, split = 0.0, False
        for runs, s in zip(paragraphs, spaces):
            sized = [(t, size * scale, b, i) for t, size, b, i in runs]
            lines, broken = paragraph_lines(sized, width)
            split |= broken
            need += lines * max(r[1] for r in sized) * LINE_HEIGHT + s * scale
        if not split and need <= room:
            return scale
        scale = round(scale - 0.05, 2)
    return MIN_SCALE
