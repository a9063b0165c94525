"""Page fill of a printed report: how far down each PDF page its content reaches.

Each page is rasterised (poppler's ``pdftoppm``, greyscale, low resolution) so that text and
drawn content (chart lines, bars, table rules) both count; the running footer below the bottom
margin does not. Used by tests/test_page_fill.py and for before/after measurements by hand:

    PYTHONPATH=$PWD .venv/bin/python tests/pagefill.py report.pdf [...]
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from finsam_lib.publish.pdf import PDF_MARGIN

DPI = 36
INK = 200  # a grey level darker than this is content (0 black, 255 white)


def _mm(value: str) -> float:
    assert value.endswith("mm"), value
    return float(value[:-2])


def have_pdftoppm() -> bool:
    return shutil.which("pdftoppm") is not None


def page_fill(pdf: Path | str) -> list[float]:
    """Per page (in order), the lowest content as a fraction of the usable height: 0.0 = an
    empty page, 1.0 = content down to the bottom margin. Usable height is the page between
    pdf.PDF_MARGIN's top and bottom margins. Needs ``pdftoppm`` (poppler-utils)."""
    top_mm, bottom_mm = _mm(PDF_MARGIN["top"]), _mm(PDF_MARGIN["bottom"])
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), str(pdf), f"{tmp}/p"], check=True)
        for png in sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[-1])):
            img = np.asarray(Image.open(png))
            px_per_mm = img.shape[0] / 297.0  # A4 portrait
            top, bottom = round(top_mm * px_per_mm), img.shape[0] - round(bottom_mm * px_per_mm)
            rows = np.flatnonzero((img[top:bottom] < INK).any(axis=1))
            out.append(0.0 if rows.size == 0 else (rows[-1] + 1) / (bottom - top))
    return out


def under_filled(fills: list[float], limit: float = 0.40, skip_title: bool = True) -> list[int]:
    """1-based numbers of the pages whose content ends above ``limit`` of the usable height
    (the title page aside when ``skip_title``)."""
    first = 1 if skip_title else 0
    return [i + 1 for i, f in enumerate(fills) if i >= first and f < limit]


if __name__ == "__main__":
    for name in sys.argv[1:]:
        fills = page_fill(name)
        low = under_filled(fills)
        print(f"{name}: {len(fills)} sidor, {len(low)} under 40 %: {low}")
