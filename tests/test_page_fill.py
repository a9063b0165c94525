"""Printed reports use their pages (issue 14, item 1): no forced page breaks but the title
page's, so few pages end high up, and a förbund's report grows with what it measured.

Targets: the national report and every förbund report have at most two pages (title page
aside) whose content ends above 40 % of the usable page height (tests/pagefill.py); a
förbund with a handful of answers gets a short report, its unanswered indicators in one list.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from pagefill import have_pdftoppm, page_fill, under_filled
from pypdf import PdfReader

from finsam_lib.apps.cli import main
from finsam_lib.present.forbund_report import report_stem
from finsam_lib.publish.pdf import find_browser

YEAR = 2022
LIMIT = 0.40
MAX_UNDER_FILLED = 2

pytestmark = [
    pytest.mark.skipif(find_browser() is None, reason="PDF needs a Chromium-family browser (Chromium, Chrome, Edge)"),
    pytest.mark.skipif(not have_pdftoppm(), reason="page fill needs pdftoppm (poppler-utils)"),
]


def _by_answers(data_dir: Path) -> dict[str, str]:
    """The förbund with the most answers in YEAR, one near the bottom decile, and the one with
    the fewest (chosen from the data, not by name)."""
    from finsam_lib.registration.reader import read_paths
    counts = read_paths([data_dir]).respondents.query("year == @YEAR").groupby("forbund").size().sort_values()
    return {"tiny": counts.index[0], "small": counts.index[max(1, len(counts) // 10)], "big": counts.index[-1]}


@pytest.fixture(scope="module")
def pdfs(demo_2021_2022, tmp_path_factory) -> dict[str, Path]:
    """The national report and the big and small förbund's, printed by one `finsam batch` (one
    worker: one kernel and one browser for the three, as a batch prints them); the tiny one by
    `finsam report forbund` from YEAR's files only: it ran one survey that year, so most
    indicators have no answers (test_unanswered_indicators_are_listed_once reads its HTML)."""
    out = tmp_path_factory.mktemp("pagefill")
    sizes = _by_answers(demo_2021_2022)
    assert main(["batch", "--data", str(demo_2021_2022), "--year", str(YEAR), "--out", str(out / "batch"),
                 "--formats", "pdf", "--forbund", sizes["big"], "--forbund", sizes["small"], "--jobs", "1",
                 "--quiet"]) == 0
    found = {size: out / "batch" / f"{report_stem(sizes[size], YEAR)}.pdf" for size in ("big", "small")}
    [found["national"]] = set((out / "batch").glob("*.pdf")) - set(found.values())
    assert main(["report", "forbund", sizes["tiny"], "--data", str(demo_2021_2022 / str(YEAR)), "--year", str(YEAR),
                 "--out", str(out / "tiny"), "--formats", "pdf,html"]) == 0
    found["tiny"] = next((out / "tiny").glob("*.pdf"))
    found["tiny.html"] = next((out / "tiny").glob("*.html"))
    assert all(p.is_file() for p in found.values()), found
    return found


@pytest.mark.parametrize("report", ["national", "big", "small", "tiny"])
def test_at_most_two_pages_end_high_up(pdfs, report):
    fills = page_fill(pdfs[report])
    low = under_filled(fills, LIMIT)
    assert len(low) <= MAX_UNDER_FILLED, (
        f"{pdfs[report].name}: {len(fills)} pages, pages {low} end above {LIMIT:.0%} "
        f"({', '.join(f'{fills[p - 1]:.0%}' for p in low)})")


def test_page_count_follows_what_the_forbund_measured(pdfs):
    pages = {k: len(PdfReader(pdfs[k]).pages) for k in ("tiny", "small", "big")}
    assert pages["tiny"] < pages["small"] <= pages["big"], pages
    assert pages["tiny"] * 2 < pages["big"], pages


def test_unanswered_indicators_are_listed_once(pdfs):
    """The indicators a förbund has no answers to share one short list, each named once."""
    from bs4 import BeautifulSoup

    from finsam_lib.instrument import definition as ins
    soup = BeautifulSoup(pdfs["tiny.html"].read_text(encoding="utf-8"), "html.parser")
    lists = soup.find_all(id="indikatorer-utan-svar")
    assert len(lists) == 1
    listed = [li.get_text(" ", strip=True) for li in lists[0].find_next("ul").find_all("li")]
    assert listed, "no indicator listed"
    text = " ".join(soup.get_text(" ").split())
    assert "inga svar på indikatorns frågor" not in text
    sections = {h.get_text(" ", strip=True).split(":")[0] for h in soup.find_all("h2", class_="indicator")}
    for i, info in ins.indicators().items():  # every indicator: its own section or a line in the list
        assert (f"Indikator {i}" in sections) != (f"Indikator {i}: {info.short_name}" in listed), i
