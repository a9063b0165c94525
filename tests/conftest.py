"""Shared test helpers and the suite's input data.

The data sets below are session-scoped: each pytest-xdist worker builds each one at most
once, when a test first asks for it, in a temporary folder; the demo set itself is written
once per run and shared by the workers (``_shared_demo``), and the others copy its years.
A new test should ask for one of them instead of writing its own demo data:

- ``demo_dir``: the whole demo set, 2018–2022, as ``finsam demo`` writes it (shared: read-only);
  ``demo_data`` is it read (``reader.read_paths``; treat it as read-only);
- ``demo_2021_2022``: the demo set's last two years only (quicker for reports: a förbund's
  report shows the years it has);
- ``fixture_2022`` / ``fixture_2020_2022``: registration files whose national figures add up to
  the published 2022 report (and 2020–2021 key figures);
- ``published``: the folder of the published national figures (the yardstick), the copies
  shipped in the package (``finsam_lib/data/published``), so that a user's clone needs no
  shared reference folder beside the repository. Read counts (förbund, rows, questionnaires) from these files or from
  ``finsam_lib.instrument.definition`` rather than typing them in.

A test that needs its own variant copies one of these folders into ``tmp_path`` (``shutil.copytree``)
and changes the copy. Tests write only under ``tmp_path``: a run that leaves a new file in the
checkout fails, naming it (the session hooks at the end). A test that needs a Chromium-family
browser skips with a reason naming it (``finsam_lib.publish.pdf.find_browser``); CI (``.ci/run``)
installs Debian's chromium. Heavy runs and timings belong in ``benchmarks/``: the whole
country's batch with PDFs is ``benchmarks/bench_batch.py``, not a test.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
from importlib import resources
from pathlib import Path

import pytest

# Before any test module imports nbformat, papermill or nbclient: finsam's publishing leaves
# jsonschema's optional IRI check out of a process (publish._without_slow_iri_check), which
# otherwise compiles rfc3987-syntax's 38 grammars, about 2 s of each xdist worker's collection.
import finsam_lib.publish.publish  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The project's root folder (where pyproject.toml is)."""
    return ROOT


@pytest.fixture(scope="session")
def published() -> Path:
    """The published national figures (the yardstick), as shipped in the package."""
    return Path(str(resources.files("finsam_lib.data.published")))


def _run_base(tmp_path_factory) -> Path:
    """The temporary folder of this run: with xdist, the parent of the workers' base folders
    (pytest-N/popen-gwK), which the workers share; without, the base folder itself."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def _run_lock(tmp_path_factory, name: str):
    """A lock shared by this run's xdist workers (a file in the run's temporary folder)."""
    path = _run_base(tmp_path_factory) / f"{name}.lock"
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _shared_demo(tmp_path_factory) -> Path:
    """The demo set (seed 0, every year), written once per run and shared by the xdist workers.

    With xdist a session fixture runs once per worker; writing the demo set takes 7–15 s, so the
    first worker to ask writes it into the run's common temporary folder (the parent of each
    worker's base folder), under a file lock, and the others read the same files. Read-only: a test
    that changes data copies it first (see the module docstring).
    """
    from finsam_lib.apps.demo import write_demo
    base = _run_base(tmp_path_factory)
    out, done = base / "shared-demo", base / "shared-demo.done"
    with _run_lock(tmp_path_factory, "shared-demo"):
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)
            write_demo(out, seed=0)
            done.touch()
    return out


def _demo_years(tmp_path_factory, name: str, years) -> Path:
    """These years of the shared demo set, copied to a folder of their own. `write_demo` writes
    each year from its own random stream (seed, year), so a year's files are the same whichever
    years are asked for (tests/test_demo.py::test_same_seed_same_files checks it)."""
    src = _shared_demo(tmp_path_factory)
    out = tmp_path_factory.mktemp(name)
    for year in years:
        shutil.copytree(src / str(year), out / str(year))
    for extra in src.glob("*.csv"):  # the förbund history (forbund-historik.csv), as write_demo writes it
        shutil.copy(extra, out / extra.name)
    return out


@pytest.fixture(scope="session")
def fixture_2022(tmp_path_factory) -> Path:
    """Registration files whose national figures add up to the published 2022 report
    (`demo.write_fixture(years=(2022,))`: the demo set's 2022)."""
    return _demo_years(tmp_path_factory, "fixture2022", (2022,))


@pytest.fixture(scope="session")
def fixture_2020_2022(tmp_path_factory) -> Path:
    """As fixture_2022, with 2020 and 2021 built from the published key figures."""
    return _demo_years(tmp_path_factory, "fixture2020_2022", (2020, 2021, 2022))


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """The whole demo set, 2018–2022, as `finsam demo` writes it (shared by the run's workers:
    read-only)."""
    return _shared_demo(tmp_path_factory)


@pytest.fixture(scope="session")
def demo_data(demo_dir):
    """The whole demo set, read (a reader.Dataset without errors). Shared: do not change it."""
    from finsam_lib.registration.reader import read_paths
    data = read_paths([demo_dir])
    assert not data.errors, data.errors[:3]
    return data


@pytest.fixture(scope="session")
def demo_2021_2022(tmp_path_factory) -> Path:
    """The demo set's 2021 and 2022 (every förbund of both years): the same files as
    `finsam demo` writes for those years."""
    return _demo_years(tmp_path_factory, "demo_2021_2022", (2021, 2022))


def write_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook with exactly these sheets; rows are lists of cell values (None = blank,
    [] = an empty row). For crafting untidy registration files cell by cell."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# --- Tests write nothing into the checkout --------------------------------------------------------

TOOL_CACHES = {".git", ".venv", "__pycache__", ".pytest_cache"}
CHECKOUT_KEY = pytest.StashKey[set]()


def _checkout_files() -> set[str]:
    """Every file under the project's root but version control, the virtualenv and Python's caches."""
    found = set()
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in TOOL_CACHES]
        found.update(os.path.relpath(os.path.join(folder, f), ROOT) for f in files)
    return found


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the main process (with xdist: not the workers)
        session.config.stash[CHECKOUT_KEY] = _checkout_files()


def pytest_sessionfinish(session, exitstatus):
    before = session.config.stash.get(CHECKOUT_KEY, None)
    if before is None:
        return
    written = sorted(_checkout_files() - before)
    if written:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "tests wrote into the checkout (use tmp_path): " + ", ".join(written[:10])
        if reporter:
            reporter.write_line(message, red=True)
        else:
            print(message, file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# A few förbund of the demo (issue 17), with the demo merger's predecessors and successor.
DEMO_FEW = ["Gotland", "Bengtsfors_Åmål_Dals-Ed", "Säffle_Årjäng", "Bengtsfors-Åmål-Dals-Ed_Säffle-Årjäng-BÅD-ESÅ"]


def small_copy(fixture, folder, years=(2021, 2022), keep=DEMO_FEW):
    """A few förbund's workbooks (and the förbund history) from the demo fixture."""
    for year in years:
        for name in keep:
            src = fixture / str(year) / f"{name}.xlsx"
            if src.is_file():
                (folder / str(year)).mkdir(parents=True, exist_ok=True)
                shutil.copy(src, folder / str(year) / src.name)
    shutil.copy(fixture / "forbund-historik.csv", folder)
    return folder


def change_one_answer(path):
    """Re-save a workbook with its first Deltagare pågående answer changed."""
    from openpyxl import load_workbook
    wb = load_workbook(path)
    ws = wb["Deltagare pågående"]
    header = [c.value for c in ws[1]]
    col = header.index("F1") + 1
    cell = ws.cell(2, col)
    cell.value = 1 if cell.value != 1 else 2
    wb.save(path)
