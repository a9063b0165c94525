"""The explorer as a Voilà app in a real browser: `finsam explore` on a free local port,
the system Chromium driven headless through playwright; changing the förbund, the
split and the indicator must put the right numbers (those of year.year_figures) in
the table. Skipped without Chromium (CI installs Debian's chromium)."""
from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from finsam_lib.apps.explore import TOO_FEW, Explorer, Selection
from finsam_lib.apps.explore_app import free_port
from finsam_lib.base import format as fmt
from finsam_lib.figures import method as fig
from finsam_lib.figures.year import year_figures
from finsam_lib.registration.reader import read_paths

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
YEARS = (2021, 2022)


def chromium() -> str | None:
    for candidate in (os.environ.get("FINSAM_BROWSER"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


pytestmark = pytest.mark.skipif(chromium() is None, reason="no Chromium on this machine")


@pytest.fixture(scope="module")
def small_demo(demo_2021_2022) -> Path:
    """Two years of the demo set (quicker than the whole set)."""
    return demo_2021_2022


@pytest.fixture(scope="module")
def data(small_demo):
    return read_paths([small_demo])


@pytest.fixture(scope="module")
def server(small_demo, tmp_path_factory, repo_root):
    """`finsam explore` in its own process group; yields (address, output folder)."""
    port = free_port()
    out = tmp_path_factory.mktemp("explore_out")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(repo_root), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(
        [sys.executable, "-m", "finsam_lib.apps.cli", "explore", "--data", str(small_demo), "--port", str(port),
         "--out", str(out)],
        cwd=tmp_path_factory.mktemp("explore_cwd"), env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, encoding="utf-8", start_new_session=True,
        # Ctrl+C as in a terminal, also when the tests run as a background job (which ignores SIGINT)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    address, seen, end = f"http://127.0.0.1:{port}/", [], time.monotonic() + 45
    try:
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                assert process.poll() is None, "finsam explore stopped:\n" + "".join(seen)
                continue
            seen.append(line)
            if "Utforskaren är igång på" in line:
                assert address in line  # the address, printed in Swedish
                break
        else:
            pytest.fail("finsam explore did not start in 45 s:\n" + "".join(seen))
        yield address, out
    finally:
        stopped = True
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # as Ctrl+C: it stops Voilà and says so
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                stopped = False
                os.killpg(process.pid, signal.SIGKILL)  # our own process group only
                process.wait()
        while not lines.empty():  # what it said after starting, for the messages below
            seen.append(lines.get())
        assert stopped, "finsam explore did not stop within 15 s of Ctrl+C:\n" + "".join(seen)
        assert process.returncode == 0, "".join(seen)


@pytest.fixture(scope="module")
def page(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1150, "height": 1500})
        page.set_default_timeout(30_000)
        page.goto(server[0])
        page.wait_for_selector("table.finsam-explore-table")
        yield page
        browser.close()


def shown_table(page, **selection) -> list[dict]:
    """The table once it shows the selection (data-* attributes of the table), as numbers."""
    css = "table.finsam-explore-table" + "".join(f"[data-{k}='{v}']" for k, v in selection.items())
    page.wait_for_selector(css)
    rows = page.eval_on_selector_all(css + " tbody tr", """rows => rows.map(r => ({
        year: r.dataset.year, question: r.dataset.question, group: r.dataset.group,
        cells: Object.fromEntries([...r.querySelectorAll('td[data-col]')]
                                  .map(td => [td.dataset.col, td.innerText]))}))""")
    return rows


def expected(data, s: Selection) -> list[dict]:
    groups = {"samtliga": ["samtliga"], "kon": ["samtliga", "kvinnor", "män"]}[s.split]
    out = []
    for year in sorted(s.years):
        r = year_figures(data, year, s.forbund)
        f = r.figures  # for a förbund under the förbund reports' rule (privacy.disclose), as the explorer
        f = f[(f.indicator == s.indicator) & (f.survey == s.survey) & f.group.isin(groups)]
        f = f.assign(_g=f.group.map({g: i for i, g in enumerate(groups)})).sort_values(["question", "_g"])
        for r in f.itertuples():
            out.append({"year": str(year), "question": str(r.question), "group": r.group,
                        "n": None if r.suppressed else int(r.n),
                        "nyckeltal": None if r.suppressed else int(r.nyckeltal_pct), "suppressed": bool(r.suppressed)})
    return out


def as_numbers(rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        cells = r["cells"]
        nyckeltal = fmt.parse_number(cells["nyckeltal_pct"]) if "nyckeltal_pct" in cells else None
        out.append({"year": r["year"], "question": r["question"], "group": r["group"],
                    "n": None if fmt.parse_number(cells["n"]) is None else int(fmt.parse_number(cells["n"])),
                    "nyckeltal": None if nyckeltal is None else int(nyckeltal),
                    "suppressed": cells.get("suppressed") == TOO_FEW})
    return out


def choose_forbund(data) -> str:
    """A förbund whose kön split is shown one year and too small another (indicator 1)."""
    e = Explorer(data)
    for forbund in e.forbund:
        frame = e.frame(Selection(YEARS, forbund, 1, "Deltagare pågående", "kon"))
        split = frame[frame.group != "samtliga"]
        if len(split) and split.suppressed.any() and not split.suppressed.all() \
                and not frame[frame.group == "samtliga"].suppressed.any():
            return forbund
    pytest.skip("no förbund with a partly suppressed split in the demo data")


def test_changing_forbund_split_and_indicator_shows_the_right_numbers(page, server, data, tmp_path):
    national = Selection(YEARS, None, 1, "Deltagare pågående")
    assert as_numbers(shown_table(page, area="Hela landet", indicator=1)) == expected(data, national)

    forbund = choose_forbund(data)
    page.locator(".finsam-explore-area select").select_option(label=forbund)
    here = Selection(YEARS, forbund, 1, "Deltagare pågående")
    got = as_numbers(shown_table(page, area=forbund, indicator=1, split="samtliga"))
    assert got == expected(data, here)
    assert [r["n"] for r in got] != [r["n"] for r in expected(data, national)]

    page.get_by_role("button", name="Kön", exact=True).click()
    split = Selection(YEARS, forbund, 1, "Deltagare pågående", "kon")
    got = as_numbers(shown_table(page, area=forbund, indicator=1, split="kon"))
    assert got == expected(data, split)
    assert any(r["suppressed"] for r in got) and any(r["nyckeltal"] is not None for r in got)
    notes = page.locator(".finsam-explore-notes").inner_text()
    assert TOO_FEW in notes

    page.locator(".finsam-explore-indicator select").select_option(label="2. Inflytande")
    other = Selection(YEARS, forbund, 2, "Deltagare pågående", "kon")
    got = as_numbers(shown_table(page, area=forbund, indicator=2, split="kon"))
    assert got == expected(data, other)
    # The chart changed with it, and shows its numbers as text (SVG).
    chart = page.eval_on_selector("svg.finsam-explore-chart", "s => s.textContent")
    assert "Indikator 2. Inflytande" in chart

    page.get_by_role("button", name="Spara tabellen (CSV)").click()
    page.wait_for_selector("text=Sparade tabellen som")
    saved = list(server[1].glob("*.csv"))
    assert len(saved) == 1 and str(saved[0]) in page.content()

    screenshot = tmp_path / "explore.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000


def test_a_suppressed_split_shows_no_figure_in_the_page(page, data):
    """No percentage and no n in a row the page marks "för få svar"; every other n ≥ min n."""
    forbund = choose_forbund(data)
    page.locator(".finsam-explore-area select").select_option(label=forbund)
    shown_table(page, area=forbund)
    page.get_by_role("button", name="Kön", exact=True).click()
    rows = as_numbers(shown_table(page, area=forbund, split="kon"))
    for r in rows:
        assert (r["nyckeltal"] is None) == r["suppressed"]
        if r["suppressed"]:
            assert r["group"] in ("kvinnor", "män")
    assert min(r["n"] for r in rows if not r["suppressed"]) >= fig.MIN_N
    assert all(r["n"] is None for r in rows if r["suppressed"])  # nor their n
