"""What a reader takes from a report's HTML, figures-wise: its headings, every table's cells and the
numbers of its running text, in order. Used to compare a report rendered from its model (no
notebook) with the report as the notebook and the HTML export show it.

Left out: the table of contents (filled in by the export), the colophon (Om rapporten), the
notebook's own Markdown cells (div.narrative: the notebook holds them, not the report's model),
the page chrome and the drawings (the SVG; their alt text and captions stay).
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

NUMBER = re.compile(r"[−+-]?\d[\d\u00a0 ]*(?:,\d+)?")


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


def figures_text(html: str) -> dict:
    """{"headings": [(tag, id, text)], "tables": {id: [[cell text, …] per row]}, "numbers": [...],
    "captions": [figure captions]} of a report page or fragment."""
    soup = BeautifulSoup(html, "html.parser")
    for skip in soup.select("nav.toc, section.colophon, .narrative, svg, style, script, .jp-InputArea, .input_area"):
        skip.decompose()
    headings = [(h.name, h.get("id"), _text(h).rstrip("¶ ").strip())
                for h in soup.find_all(["h1", "h2", "h3"]) if h.get("id")]
    tables = {}
    for figure in soup.select("figure.report-table"):
        rows = [[_text(c) for c in tr.find_all(["th", "td"])] for tr in figure.find_all("tr")]
        tables[figure.get("id")] = [_text(figure.find("figcaption"))] + rows + [
            _text(p) for p in figure.select("p.table-note")]
        figure.decompose()
    captions = [_text(c) for c in soup.select("figure figcaption")]
    numbers = [n.strip() for p in soup.find_all(["p", "li"]) for n in NUMBER.findall(_text(p))]
    return {"headings": headings, "tables": tables, "numbers": numbers, "captions": captions}


def differences(before: dict, after: dict) -> list[str]:
    """Where two figures_text results differ (empty when they agree)."""
    out = []
    for key in ("headings", "numbers", "captions"):
        if before[key] != after[key]:
            out.append(f"{key}: {len(before[key])} against {len(after[key])}, first difference "
                       + next((f"{a!r} / {b!r}" for a, b in zip(before[key], after[key]) if a != b), "in length"))
    for table in sorted(set(before["tables"]) | set(after["tables"])):
        a, b = before["tables"].get(table), after["tables"].get(table)
        if a != b:
            out.append(f"table {table}: " + next((f"{x!r} / {y!r}" for x, y in zip(a or [], b or []) if x != y),
                                                  "missing or of another length"))
    return out
