"""A report as data: sections of headings, paragraphs, lists, numbered tables and charts,
analyst text and comment blocks, rendered to HTML by the Jinja2 templates in
``templates/report/`` (autoescape; issue 12 item 3).

A report builds its :class:`ReportModel` once, in the report's order, and numbers its tables
and diagrams while it builds it (``Numbering``); the notebook shows one :class:`Block` per
cell (``_repr_html_`` renders its template), the Excel writer reads ``ReportModel.tables``, and
the whole report renders itself with :meth:`ReportModel.html` (no notebook needed).

Plain text is escaped by the templates; only the analyst's Markdown (already HTML, escaped by
:mod:`commentary`) and SVG drawn by :mod:`charts` are marked safe.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup

from finsam_lib.base import format as fmt
from finsam_lib.present import tables as tb
from finsam_lib.present.templating import render


@dataclass(frozen=True)
class Heading:
    """``<h{level} id="{anchor}">``; ``classes`` such as ``chapter`` or ``indicator``."""
    level: int
    text: str
    anchor: str
    classes: str = ""
    kind: str = "heading"


@dataclass(frozen=True)
class Paragraphs:
    """One ``<p>`` per non-empty text (plain text, escaped)."""
    texts: tuple[str, ...]
    cls: str = ""
    kind: str = "paragraphs"


@dataclass(frozen=True)
class Bullets:
    """A ``<ul>`` of the non-empty items (plain text, escaped)."""
    items: tuple[str, ...]
    kind: str = "bullets"


@dataclass(frozen=True)
class Table:
    """A :class:`tables.ReportTable` in the report; ``listed``: also a sheet of the resultatfil
    (False for fixed explanatory tables such as the answer categories)."""
    table: Any
    listed: bool = True
    kind: str = "table"


@dataclass(frozen=True)
class Chart:
    """A figure with a drawing: ``svg`` (markup from charts, safe), ``label`` (aria-label, '' for
    none), ``caption`` (above the drawing), ``note`` (below it). ``style`` picks the layout in
    templates/report/parts.html.j2: ``line`` (national diagrams: note as figcaption), ``bars``
    (a question's stacked bars: caption = (question, who)), ``trend`` (caption above)."""
    style: str
    anchor: str
    classes: str
    svg: str = ""
    label: str = ""
    caption: Any = ""
    note: str = ""
    message: str = ""  # shown instead of a drawing (e.g. "För få svar.")
    kind: str = "chart"


@dataclass(frozen=True)
class Analyst:
    """The analyst's own text: HTML from the commentary file (Markdown rendered, raw HTML escaped)."""
    html: str
    kind: str = "analyst"


@dataclass(frozen=True)
class Comment:
    """An indicator's "Kommentar till resultatet": drafted facts, then the analyst's text."""
    anchor: str
    facts: tuple[str, ...]
    analyst: str = ""
    kind: str = "comment"


@dataclass(frozen=True)
class Group:
    """A ``<div class="{cls}">`` around parts (side-by-side tables, a measure list, …)."""
    cls: str
    parts: tuple
    kind: str = "group"


@dataclass(frozen=True)
class Fixed:
    """A part whose markup and fixed prose live in a template of their own
    (``templates/report/<template>``), filled from ``context``."""
    template: str
    context: dict
    kind: str = "fixed"


def safe(markup: str) -> Markup:
    """Markup that the templates must not escape (SVG from charts, the analyst's HTML)."""
    return Markup(markup)


class Block:
    """A section of a report (or a piece of one): a list of parts, displayed as HTML in a notebook
    (``_repr_html_``) and rendered by templates/report/section.html.j2."""

    def __init__(self, *parts):
        self.parts: list = [p for p in parts if p is not None]

    @property
    def headings(self) -> list[tuple[int, str, str]]:
        """(level, anchor, text) of each heading, in order."""
        return [(p.level, p.anchor, p.text) for p in self.parts if p.kind == "heading"]

    @property
    def tables(self) -> list:
        """The listed ReportTables of this section, in order (also inside groups)."""
        return [p.table for p in _walk(self.parts) if p.kind == "table" and p.listed]

    @property
    def html(self) -> str:
        return render("report/section.html.j2", parts=self.parts)

    def _repr_html_(self) -> str:
        return self.html

    def __add__(self, other: Block) -> Block:
        return Block(*self.parts, *other.parts)

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __repr__(self) -> str:
        return f"Block({len(self.parts)} parts)"


def _walk(parts):
    for p in parts:
        yield p
        if p.kind == "group":
            yield from _walk(p.parts)


def heading(level: int, text: str, anchor: str, classes: str = "") -> Block:
    return Block(Heading(level, text, anchor, classes))


def paragraphs(*texts: str, cls: str = "") -> Paragraphs:
    return Paragraphs(tuple(t for t in texts if t), cls)


def bullets(items) -> Bullets:
    return Bullets(tuple(i for i in items if i))


def analyst(html: str) -> Analyst | None:
    """The analyst's text as a part, or None when there is none."""
    return Analyst(safe(html)) if html else None


def comment_block(anchor: str, facts: list[str], analyst_html: str = "") -> Comment:
    """An indicator's "Kommentar till resultatet": the drafted facts, then the analyst's own text
    (HTML from the commentary file). A div.comment is kept whole, and with what it comments, in
    print (report.css)."""
    return Comment(anchor, tuple(f for f in facts if f), safe(analyst_html) if analyst_html else "")


@dataclass
class Numbering:
    """Table and diagram numbers handed out in the order a report is built."""
    table: int = 0
    diagram: int = 0

    def next_table(self) -> str:
        self.table += 1
        return str(self.table)

    def peek_table(self) -> str:
        """The number the next table will get (for a table that may turn out empty)."""
        return str(self.table + 1)

    def next_diagram(self) -> int:
        self.diagram += 1
        return self.diagram


@dataclass
class ReportModel:
    """A whole report: its sections by key (the notebook's cells), in order, and the tables the
    resultatfil holds beyond them (``extra_tables``, e.g. the answer scales)."""
    sections: dict = field(default_factory=dict)  # key -> Block
    extra_tables: list = field(default_factory=list)

    @property
    def tables(self) -> list:
        """Every listed table in the report's order, then ``extra_tables`` (the resultatfil's sheets)."""
        return [t for block in self.blocks for t in block.tables] + list(self.extra_tables)

    @property
    def blocks(self) -> list[Block]:
        """The sections in order (a section may be None: a cell that shows nothing)."""
        return [b for b in self.sections.values() if b is not None]

    @property
    def headings(self) -> list[tuple[int, str, str]]:
        return [h for block in self.blocks for h in block.headings]

    def html(self) -> str:
        """Every section's HTML in order (the report's body, without the page around it)."""
        return "".join(block.html for block in self.blocks)


def swedish_date(day: dt.date) -> str:
    """``30 november 2026`` (see :func:`format.long_date`)."""
    return fmt.long_date(day)


def publication_date(value) -> dt.date | None:
    """A notebook parameter ('2023-02-01', a date or None) as a date."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# --- Reports: built once, in order ------------------------------------------------------------------

def section(method):
    """A report section (one notebook cell): built once, in the report's order, by
    :attr:`Report.model`, which numbers tables and diagrams as it goes; called again (from the
    notebook) it returns the section already built, so its numbers do not depend on which
    cells ran before."""
    @functools.wraps(method)
    def built(self, *args):
        key = (method.__name__, *args)
        if not self._building:
            sections = self.model.sections
            if key in sections:
                return sections[key]
        return method(self, *args)
    return built


class Report:
    """What every report shares: its model (sections in order, tables numbered while it is
    built), the table of contents placeholder and the Excel resultatfil. Subclasses give
    ``cells``, ``about`` and ``data_sheets`` (and ``extra_tables`` for sheets beyond the
    sections' tables)."""

    _building = False

    def cells(self) -> list[tuple]:
        """The report's sections in order, as (method name, arguments…): the notebook's cells."""
        raise NotImplementedError

    def extra_tables(self) -> list[tb.ReportTable]:
        """Resultatfil sheets beyond the sections' tables (none by default)."""
        return []

    @cached_property
    def model(self) -> ReportModel:
        """The report built once: every section of :meth:`cells` in order, numbered as built."""
        self.numbers = Numbering()
        self._building = True
        try:
            built = {key: getattr(self, key[0])(*key[1:]) for key in self.cells()}
        finally:
            self._building = False
        return ReportModel(built, self.extra_tables())

    def sections(self) -> list[Block]:
        """Every section in the report's order (what the notebook shows, cell by cell)."""
        return self.model.blocks

    def indicators(self) -> Block:
        """Every indicator's section (``indicator(i)``) in the report's order, as one block: the
        notebooks show them in one cell, since each cell costs the kernel and papermill some 4.5 ms
        of messages (sixteen cells were about 70 ms of a förbund report's 0.5 s; issue 15)."""
        return Block(*(part for key, block in self.model.sections.items()
                       if key[0] == "indicator" and block is not None for part in block.parts))

    def tables(self) -> list[tb.ReportTable]:
        """Every listed table in the report's order (the resultatfil's sheets), from the model."""
        return self.model.tables

    def headings(self) -> list[str]:
        return [text for _, _, text in self.model.headings]

    def html(self) -> str:
        """The report's body as HTML, every section in order (no notebook needed)."""
        return self.model.html()

    @section
    def toc(self) -> Block:
        """Placeholder the HTML export replaces with the table of contents."""
        return Block(Fixed("toc.html.j2", {}))

    def excel_about(self) -> dict:
        """The resultatfil's index sheet: what the report is, min_n and the date it was made."""
        return {**self.about(), "Minsta antal svar (n)": self.min_n, "Framställd": swedish_date(self.published)}
