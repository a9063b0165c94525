"""Reading a small workbook whose used range is huge because of one stray space: time and peak
memory of finsam's bounded read, next to the plain (old) read.

Workbooks (each about 25 KB, 10 answers; made from tests/data/cases/C34c_stray_space_XFD1048576):

  baseline   the same workbook without the stray cell;
  J1048576   one space in J1048576 of Deltagare pågående (used range A1:J1048576);
  XFD1048576 one space in XFD1048576 (used range A1:XFD1048576, the case from the field);
  1 MB       a tidy workbook of 1 MB (22 000 Personal answers), for the target below.

Each is read in a fresh process, so that peak memory (ru_maxrss from os.wait4) belongs to that
read alone and a crash of the reader is measured, not suffered:

  (a) finsam validate FILE           the whole command (imports, reading, checks, printing);
  (a') finsam_lib.registration.sheets.read_sheets the bounded read alone (XML scan, trim, calamine);
  (b) plain (old) read               python_calamine: to_python(skip_empty_area=False) of every sheet;
  (b') old finsam validate           the command as it was before issue 11 (commit 38e219e, taken
                                     with `git archive`; skipped without git history).

Run:  .venv/bin/python benchmarks/bench_stray.py [--keep DIR]
Target: every workbook under 1 MB validates in under 2 s and under 300 MB.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "tests" / "data" / "cases" / "C34c_stray_space_XFD1048576" / "Testby.xlsx"
SHEET = "xl/worksheets/sheet4.xml"
OLD_COMMIT = "38e219e"

FINSAM = [sys.executable, "-m", "finsam_lib.apps.cli", "validate"]
BOUNDED = [sys.executable, "-c", "import sys; from finsam_lib.registration.sheets import read_sheets; read_sheets(sys.argv[1])"]
PLAIN = [sys.executable, "-c", "import sys, python_calamine as pc\n"
         "b = pc.CalamineWorkbook.from_path(sys.argv[1])\n"
         "[b.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in b.sheet_names]"]


def variant(folder: Path, name: str, cell: str | None) -> Path:
    """The case workbook with its stray space moved to ``cell`` (None: removed)."""
    path = folder / f"{name}.xlsx"
    with zipfile.ZipFile(CASE) as z, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == SHEET:
                text = data.decode()
                if cell is None:
                    text = re.sub(r'<c r="XFD1048576".*?</c>', "", text).replace("A1:XFD1048576", "A1:J11")
                else:
                    text = text.replace('r="XFD1048576"', f'r="{cell}"').replace("A1:XFD1048576", f"A1:{cell}")
                data = text.encode()
            out.writestr(info.filename, data)
    return path


def old_code(folder: Path) -> Path | None:
    """finsam_lib as it was before issue 11, unpacked into ``folder`` (None without git history)."""
    target = folder / "old"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", OLD_COMMIT, "finsam_lib"], capture_output=True)
    if archive.returncode:
        return None
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def one_megabyte(folder: Path) -> Path:
    """A tidy registration workbook of about 1 MB: 22 000 answers on Personal (not timed). Made in
    a child process: a forked child's peak memory starts from its parent's."""
    path = folder / "1 MB.xlsx"
    subprocess.run([sys.executable, __file__, "--make-1mb", str(path)], check=True)
    return path


def write_one_megabyte(path: Path) -> None:
    import random

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    info = wb.create_sheet("Uppgifter")
    info.append(["Samordningsförbund", "Storby"])
    info.append(["Mätår", 2022])
    pop = wb.create_sheet("Population")
    pop.append(["Enkät", "Insats", "Målpopulation", "Tillfrågade"])
    pop.append(["Personal", None, 30000, 25000])
    ws = wb.create_sheet("Personal")
    ws.append(["Löpnr", "Insats", *[f"F{q}" for q in range(1, 12)]])
    rng = random.Random(1)
    for i in range(1, 22001):
        ws.append([i, "Alfa", *[rng.randint(1, 6) for _ in range(11)]])
    wb.save(path)


def measure(command: list[str], path: Path, code_root: Path = ROOT) -> tuple[float, float, float, int]:
    """(seconds, CPU seconds, peak MB, exit code) of one command on one file, in its own process."""
    env = dict(os.environ, PYTHONPATH=str(code_root))
    start = time.perf_counter()
    proc = subprocess.Popen([*command, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            cwd=code_root)
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        proc.returncode = 0  # already reaped
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, (128 - code if code < 0 else code)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--keep", help="keep the workbooks in this folder")
    p.add_argument("--make-1mb", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.make_1mb:
        write_one_megabyte(Path(args.make_1mb))
        return 0
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="finsam-stray-"))
    folder.mkdir(parents=True, exist_ok=True)
    books = [variant(folder, "baseline", None), variant(folder, "J1048576", "J1048576"),
             variant(folder, "XFD1048576", "XFD1048576"), one_megabyte(folder)]
    old = old_code(folder)
    runs = [(FINSAM, ROOT), (BOUNDED, ROOT), (PLAIN, ROOT)] + ([(FINSAM, old)] if old else [])
    print("Each cell: wall seconds (CPU seconds) peak memory; the machine's load inflates wall time.")
    print(f"{'workbook':12} {'size':>7} | {'(a) finsam validate':>32} | {'(a′) bounded read':>32} | "
          f"{'(b) plain (old) read':>32}" + (f" | {'(b′) old finsam validate':>32}" if old else ""))
    ok = True
    for book in books:
        cells = []
        for command, code_root in runs:
            seconds, cpu, mb, code = measure(command, book, code_root)
            crashed = code not in (0, 1)
            cells.append(f"{seconds:6.2f} s ({cpu:5.2f} s) {mb:5.0f} MB" + (f" exit {code}" if crashed else "        "))
            if command is FINSAM and code_root == ROOT:
                ok &= not crashed and cpu < 2 and mb < 300
        print(f"{book.stem:12} {book.stat().st_size / 1024:5.0f} KB | " + " | ".join(cells))
    print(f"\nTarget (under 1 MB: under 2 s CPU and 300 MB, no crash) for (a): {'met' if ok else 'NOT met'}.")
    print("exit 134 = the process aborted (Rust allocation failure).")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
