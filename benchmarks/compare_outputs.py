"""Compare two folders of reports made from the same data: what a reader sees must be equal.

    python benchmarks/compare_outputs.py BEFORE_DIR AFTER_DIR [-v]

For every ``*.html`` in BEFORE_DIR: its visible text line by line (scripts, styles and SVG
drawings left out; lines that stamp the run — time, paths, versions — ignored), the count of
differing lines and of numbers found only on one side. For every ``*.xlsx``: each sheet's cell
values (the index and provenance sheets aside). ``-v`` prints the differing lines (``SHOW=N``
sets how many per report, 40 by default).

Used to check that a refactoring changes no figure (issue 12: the national and three förbund
reports before and after, made with ``finsam batch --forbund … --published 2026-11-30``).
"""
from __future__ import annotations

import collections
import difflib
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "tr", "caption", "figcaption", "div", "td", "th", "br")
IGNORE = re.compile(r"finsam \d|Framställd|commit|sha256|Underlag|/tmp/|/work/|Skapad|kördes|Python|version", re.I)
NUMBER = re.compile(r"[−-]?\d[\d  ]*(?:,\d+)?")
SKIP_SHEETS = {"Om rapporten", "Index"}


class _Text(HTMLParser):
    """The visible text of a page, one line per block element."""

    def __init__(self):
        super().__init__()
        self.skip, self.lines, self.buf = 0, [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg"):
            self.skip += 1
        if tag in BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.buf.append(data)

    def flush(self):
        text = " ".join("".join(self.buf).split())
        if text:
            self.lines.append(text)
        self.buf = []


def text_lines(path: Path) -> list[str]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.flush()
    return [line for line in parser.lines if not IGNORE.search(line)]


def numbers(lines: list[str]) -> collections.Counter:
    return collections.Counter(n.replace("\u00a0", " ").strip() for line in lines for n in NUMBER.findall(line))


def compare_html(before: Path, after: Path, verbose: bool) -> None:
    show = int(os.environ.get("SHOW", 40))
    for b in sorted(before.glob("*.html")):
        a = after / b.name
        if not a.exists():
            print(f"{b.name}: missing after")
            continue
        tb, ta = text_lines(b), text_lines(a)
        diff = [d for d in difflib.unified_diff(tb, ta, lineterm="", n=0)
                if d[:1] in "+-" and not d.startswith(("+++", "---"))]
        nb, na = numbers(tb), numbers(ta)
        print(f"{b.name}: {len(tb)} lines before, {len(ta)} after; {len(diff)} differing lines; numbers only "
              f"before {sum((nb - na).values())}, only after {sum((na - nb).values())}")
        if verbose:
            for d in diff[:show]:
                print("   ", d[:160])


def compare_xlsx(before: Path, after: Path, verbose: bool) -> None:
    import openpyxl

    for b in sorted(before.glob("*.xlsx")):
        a = after / b.name
        if not a.exists():
            print(f"{b.name}: missing after")
            continue
        wb, wa = openpyxl.load_workbook(b), openpyxl.load_workbook(a)
        sheets = [s for s in wb.sheetnames if s not in SKIP_SHEETS]
        differ = 0
        for s in sheets:
            if s not in wa.sheetnames or (list(wb[s].iter_rows(values_only=True))
                                          != list(wa[s].iter_rows(values_only=True))):
                differ += 1
                if verbose:
                    print("   sheet differs or is missing:", s)
        new = [s for s in wa.sheetnames if s not in wb.sheetnames and s not in SKIP_SHEETS]
        print(f"{b.name}: {len(sheets)} sheets compared, {differ} differ; new sheets after: {new}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "-v"]
    if len(args) != 2:
        sys.exit(__doc__)
    before_dir, after_dir = map(Path, args)
    compare_html(before_dir, after_dir, "-v" in sys.argv)
    compare_xlsx(before_dir, after_dir, "-v" in sys.argv)
