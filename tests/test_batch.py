"""`finsam batch` (issue 5): the national report and every förbund's report of a year, in
parallel, with an index page; a report that fails does not stop the others.

The batch runs here on the national report and three förbund (``--forbund``), with the default
formats: HTML, Excel and, when a Chromium-family browser is here, PDF. Without a browser it writes
HTML and Excel, says in one line how to get PDFs and succeeds; PDF asked for by name stays an error.
The whole country (37 reports with PDFs) is checked by benchmarks/bench_batch.py.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import urllib.parse

import pytest
from bs4 import BeautifulSoup

from finsam_lib.apps.cli import main
from finsam_lib.apps.report_commands import NO_PDF_NOTE
from finsam_lib.instrument import definition as ins
from finsam_lib.present.forbund_report import report_stem
from finsam_lib.publish import batch, workers
from finsam_lib.publish.pdf import find_browser
from finsam_lib.registration.names import safe_filename
from finsam_lib.registration.reader import read_paths

YEAR = 2022
NATIONAL_STEM = f"nationell-indikatorrapport-{YEAR}"


@pytest.fixture(scope="module")
def demo_small(demo_2021_2022):
    return demo_2021_2022


@pytest.fixture(scope="module")
def data(demo_small):
    return read_paths([demo_small])


@pytest.fixture(scope="module")
def names(data):
    return batch.forbund_of_year(data, YEAR)


@pytest.fixture(scope="module")
def picked(data, names) -> list[str]:
    """Three förbund of the year: the one with most responses, the one with fewest, and the first
    in alphabetical order (or the next one not already picked)."""
    sizes = data.respondents[data.respondents.year == YEAR].groupby("forbund").size()
    chosen = [sizes.idxmax(), sizes.idxmin()]
    chosen.append(next(n for n in names if n not in chosen))
    return chosen


@pytest.fixture(scope="module")
def batch_run(demo_small, picked, tmp_path_factory):
    """`finsam batch` on the national report and the picked förbund (typed in lower case: matched
    forgivingly), default formats; returns (exit code, stdout, stderr, out folder, formats)."""
    out = tmp_path_factory.mktemp("batch") / "out"
    args = ["batch", "--data", str(demo_small), "--year", str(YEAR), "--out", str(out), "--quiet", "--jobs", "2"]
    for name in picked:
        args += ["--forbund", name.lower()]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(args)
    formats = ("html", "xlsx", "pdf") if find_browser() else ("html", "xlsx")
    return code, stdout.getvalue(), stderr.getvalue(), out, formats


def test_batch_makes_the_national_and_the_chosen_reports_and_the_index(batch_run, picked, data):
    code, stdout, stderr, out, formats = batch_run
    assert code == 0, stderr
    stems = [NATIONAL_STEM] + [report_stem(n, YEAR) for n in picked]
    for stem in stems:
        html = out / f"{stem}.html"
        assert html.is_file() and html.stat().st_size > 10_000, stem
        assert (out / f"{stem}.xlsx").read_bytes()[:2] == b"PK", stem  # a zip: an Excel workbook
        if "pdf" in formats:
            assert (out / f"{stem}.pdf").read_bytes()[:5] == b"%PDF-", stem
    for suffix in (".html", ".xlsx", ".pdf"):  # nothing else: only the förbund asked for
        expected = len(stems) + (suffix == ".html") if suffix[1:] in formats else 0  # + index.html
        assert len(list(out.glob(f"*{suffix}"))) == expected, suffix
    assert f"{len(stems)} av {len(stems)} rapporter klara" in stdout
    assert (NO_PDF_NOTE in stderr) == ("pdf" not in formats)
    # The index links every report in every format and gives its response counts.
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {urllib.parse.unquote(a["href"]) for a in soup.find_all("a")}
    assert links >= {f"{stem}.{suffix}" for stem in stems for suffix in formats}
    rows = {tr.find("th").get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in soup.find("tbody").find_all("tr")}
    assert set(rows) == {f"Nationell indikatorrapport {YEAR}", *picked}
    resp = data.respondents[data.respondents.year == YEAR]
    assert rows[f"Nationell indikatorrapport {YEAR}"][-2] == f"{len(resp):,}".replace(",", "\u202f")
    for name in picked:
        total = int((resp.forbund == name).sum())
        assert rows[name][-2] == f"{total:,}".replace(",", "\u202f"), (name, rows[name])


def test_a_forbund_pdf_is_a4_with_its_contents_and_page_numbers(batch_run, picked):
    if "pdf" not in batch_run[4]:
        pytest.skip("no Chromium-family browser (Chromium, Chrome or Edge) for the PDFs")
    from pypdf import PdfReader
    pdf = PdfReader(batch_run[3] / f"{report_stem(picked[0], YEAR)}.pdf")
    assert len(pdf.pages) > 15
    assert abs(float(pdf.pages[0].mediabox.width) - 595) < 2  # A4: 595 × 842 pt
    toc = pdf.pages[1].extract_text()
    last = max(ins.measured_indicators())  # the report's last heading
    assert re.search(r"Sammanfattning\s*\d+", toc) and \
        re.search(rf"Indikator {last}: [^\n]*?\d+\s*$", toc, re.M), toc


def test_without_a_browser_the_batch_writes_html_and_excel_and_says_how_to_get_pdfs(
        demo_small, picked, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FINSAM_BROWSER", str(tmp_path / "ingen-webbläsare"))  # hides every browser
    out = tmp_path / "out"
    common = ["batch", "--data", str(demo_small), "--year", str(YEAR), "--out", str(out), "--quiet",
              "--no-national", "--forbund", picked[-1]]
    assert main(common) == 0
    err = capsys.readouterr().err
    assert err.count(NO_PDF_NOTE) == 1 and "\n" not in NO_PDF_NOTE
    assert "FINSAM_BROWSER" in NO_PDF_NOTE and "apt-get install chromium" in NO_PDF_NOTE
    stem = report_stem(picked[-1], YEAR)
    assert sorted(p.name for p in out.iterdir()) == sorted(["index.html", f"{stem}.html", f"{stem}.xlsx"])
    # PDF asked for by name stays an error, before anything is made.
    shutil.rmtree(out)
    assert main(common + ["--formats", "html,pdf"]) == 1
    assert "PDF kräver en Chromium-baserad webbläsare" in capsys.readouterr().err
    assert not out.exists()


def test_forbund_must_be_known_and_have_answers_that_year(demo_small, data, tmp_path, capsys):
    # One worker: the pool starts before the files are read, and stops when they are refused.
    common = ["batch", "--data", str(demo_small), "--year", str(YEAR), "--out", str(tmp_path / "out"), "--quiet",
              "--jobs", "1"]
    assert main(common + ["--forbund", "Finns inte alls"]) == 2
    assert "finns inte i data" in capsys.readouterr().err
    gone = sorted(set(data.respondents.forbund) - set(batch.forbund_of_year(data, YEAR)))
    assert gone, "the demo set has förbund that took part in 2021 but not in 2022"
    assert main(common + ["--forbund", gone[0]]) == 1
    assert f"{gone[0]} har inga svar mätår {YEAR}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_failing_forbund_does_not_stop_the_others(demo_small, names, tmp_path, capsys):
    data_dir = tmp_path / "data"
    picked = [n for n in names if n in ("Gotland", "Höglandet", "Västerås")]
    assert len(picked) == 3
    for name in picked:
        for year in (2021, YEAR):
            src = demo_small / str(year) / f"{safe_filename(name)}.xlsx"
            if src.is_file():
                (data_dir / str(year)).mkdir(parents=True, exist_ok=True)
                shutil.copy(src, data_dir / str(year) / src.name)
    comments = tmp_path / "kommentarer"
    comments.mkdir()
    (comments / "Höglandet.yaml").write_text("indikator 1: [ej avslutad\n", encoding="utf-8")  # broken YAML
    (comments / "Gotland.md").write_text("# Indikator 1\n\nVår egen kommentar om personcentrering.\n",
                                         encoding="utf-8")
    out = tmp_path / "out"
    code = main(["batch", "--data", str(data_dir), "--year", str(YEAR), "--out", str(out), "--formats", "html",
                 "--jobs", "2", "--no-national", "--commentary-dir", str(comments), "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert "2 av 3 rapporter klara" in captured.out
    assert "1 misslyckades" in captured.err and "Höglandet" in captured.err
    assert (out / f"{report_stem('Gotland', YEAR)}.html").is_file()
    assert (out / f"{report_stem('Västerås', YEAR)}.html").is_file()
    assert not (out / f"{report_stem('Höglandet', YEAR)}.html").exists()
    assert "Vår egen kommentar om personcentrering." in (out / f"{report_stem('Gotland', YEAR)}.html").read_text(
        encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Misslyckades" in index and "Höglandet" in index


def test_plan_puts_the_national_report_first_and_larger_forbund_before_smaller(demo_small, data):
    jobs = batch.plan(data, demo_small, YEAR)
    assert jobs[0].kind == batch.NATIONAL and jobs[0].stem == f"nationell-indikatorrapport-{YEAR}"
    weights = [j.weight for j in jobs[1:]]
    assert weights == sorted(weights, reverse=True)
    assert len({j.stem for j in jobs}) == len(jobs)
    assert all(j.parameters["year"] == YEAR for j in jobs)


def test_formats_are_checked():
    assert batch.parse_formats("HTML, pdf,html") == ["html", "pdf"]
    with pytest.raises(ValueError, match="Okänt format: docx"):
        batch.parse_formats("html,docx")


def test_index_protects_small_counts(demo_small, data):
    outcomes = [batch.Outcome(j, True, {"html": f"{j.stem}.html"}) for j in batch.plan(data, demo_small, YEAR)]
    surveys, rows = batch.index_rows(data, YEAR, outcomes)
    resp = data.respondents[data.respondents.year == YEAR]
    counts = resp.groupby(["forbund", "survey"]).size()
    small = 0
    for r in rows:
        if r["kind"] != batch.FORBUND:
            continue
        for s in surveys:
            n = counts.get((r["label"], s))
            assert r["counts"][s] == n
            small += n is not None and n < 5
    assert small  # the demo has small counts, and they are printed


def kernel_says(km, code: str) -> str:
    """What ``code`` prints in the kernel of ``km``."""
    client = km.client()
    client.start_channels()
    out: list[str] = []
    try:
        client.wait_for_ready(timeout=60)
        client.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(m["content"].get("text", "")))
    finally:
        client.stop_channels()
    return "".join(out).strip()


def test_a_workers_kernel_keeps_no_reports_and_freezes_what_its_first_report_loaded(demo_small, data, tmp_path):
    """A batch worker's kernel (batch.Worker) makes report after report: it keeps no cell results
    (Out, publish.KERNEL_ARGUMENTS) nor input history and does not sleep after each cell, and
    after its first report what it holds is left out of the collector's full passes
    (publish.freeze_kernel), once."""
    jobs = [j for j in batch.plan(data, demo_small, YEAR) if j.kind == batch.FORBUND][:3]
    with batch.Worker(tmp_path, ("html",), warm_up=batch.warm_up(jobs)) as worker:
        assert kernel_says(worker.km, "k = get_ipython(); print(k.kernel._execute_sleep, k.history_manager.enabled)") \
            == "0.0 False"
        assert kernel_says(worker.km, "import gc; print(gc.get_freeze_count())") == "0"
        outcome = worker.run(jobs[0])
        assert outcome.ok and kernel_says(worker.km, "print(gc.get_freeze_count())") == "0"
        assert worker.run(jobs[1]).ok
        frozen = kernel_says(worker.km, "print(gc.get_freeze_count())")
        assert worker.run(jobs[2]).ok
        again, results = kernel_says(worker.km, "print(gc.get_freeze_count(), len(Out))").split()
    assert int(frozen) > 50_000 and again == frozen and results == "0"
    assert all((tmp_path / f"{job.stem}.html").is_file() for job in jobs)


def test_a_pool_starts_before_its_jobs_and_leaves_nothing_running(demo_small, data, tmp_path):
    """batch.Pool (finsam batch starts it before reading the files): left without jobs (the files had
    errors) its workers stop cleanly, their kernels and browsers with them; given fewer jobs than
    workers, the spare ones stop and the jobs are done once each."""
    import multiprocessing

    with batch.Pool(tmp_path / "none", ("html",), 2) as pool:
        procs = list(pool._procs.values())
    assert [p.exitcode for p in procs] == [0, 0] and not multiprocessing.active_children()
    assert not (tmp_path / "none").exists()

    job = next(j for j in batch.plan(data, demo_small, YEAR) if j.kind == batch.FORBUND)
    niceness = []  # the workers', read as the report is done (they yield to this process)

    def seen(outcome):
        for p in pool._procs.values():
            with contextlib.suppress(ProcessLookupError):
                niceness.append(os.getpriority(os.PRIO_PROCESS, p.pid) - os.getpriority(os.PRIO_PROCESS, 0))

    with batch.Pool(tmp_path / "one", ("html",), 2) as pool:
        outcomes = pool.run([job], seen if hasattr(os, "getpriority") else None)
        procs = list(pool._procs.values())
    assert not hasattr(os, "getpriority") or niceness and set(niceness) == {workers.WORKER_NICENESS}
    assert [o.ok for o in outcomes] == [True] and outcomes[0].attempts == 1
    assert [p.exitcode for p in procs] == [0, 0] and not multiprocessing.active_children()
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == [f"{job.stem}.html"]
