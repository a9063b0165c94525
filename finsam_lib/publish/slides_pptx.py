"""The meeting deck as PowerPoint (16:9), from :class:`deck.Deck`.

Every slide is drawn on the blank layout with text boxes of fixed size and large type
(titles 34 pt, body 16–20 pt, the headline figure 66 pt) so it reads on a projector.
Shapes carry names (``title``, ``headline-value``, ``chart`` …) so tests and
later edits can find them. Speaker notes hold the full drafted commentary.
"""
from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from finsam_lib.figures import uncertainty as unc
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts
from finsam_lib.present import text_fit as fit
from finsam_lib.present.deck import NO_COMPARISON, TOO_FEW, Deck, Slide, chart_alt, chart_figure

WIDTH, HEIGHT = 13.333, 7.5  # inches, 16:9
MARGIN = 0.6
FONT = "Calibri"  # Carlito has its metrics; text is measured in a wider substitute (text_fit)
FONT_PANOSE = "020F0502020204030204"
LANG = "sv-SE"
INK = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x59, 0x59, 0x59)
ACCENT = RGBColor(0x00, 0x4B, 0x7F)  # a darker Okabe–Ito blue for titles
LIGHT = RGBColor(0xEE, 0xF3, 0xF8)
VERDICT_COLORS = {
    ins.INCREASE: RGBColor(0x00, 0x7A, 0x5A),  # darkened Okabe–Ito green: contrast on white
    ins.DECREASE: RGBColor(0xB3, 0x4A, 0x00),  # darkened vermillion
    ins.NEITHER: MUTED,
    unc.NO_SURE_CHANGE: MUTED,
    NO_COMPARISON: MUTED,
}
CHART_DPI = 220


def _run(paragraph, text: str, size: float, bold: bool = False, color: RGBColor = INK,
         italic: bool = False) -> None:
    run = paragraph.add_run()
    run.text = text
    f = run.font
    f.size, f.bold, f.italic, f.name = Pt(size), bold, italic, FONT
    f.color.rgb = color
    rPr = run._r.get_or_add_rPr()
    rPr.set("lang", LANG)
    # Calibri's classification: a viewer without it picks a like sans (LibreOffice: Carlito).
    latin = rPr.find(qn("a:latin"))
    latin.set("panose", FONT_PANOSE)
    latin.set("pitchFamily", "34")
    latin.set("charset", "0")


def text_box(slide, name: str, x: float, y: float, w: float, h: float, paragraphs: list,
             anchor=MSO_ANCHOR.TOP, align=PP_ALIGN.LEFT, fill: RGBColor | None = None,
             space: float | list[float] = 4, indent: float = 0):
    """A text box; ``paragraphs``: lists of runs (text, size, bold, color, italic) or one run tuple;
    ``space``: points after each paragraph (one for all, or one per paragraph); ``indent``: a
    hanging indent in inches (for bullets).

    The text is shrunk (never below 60 %) until it fits the box in the widest common substitute
    font, so the deck keeps its layout where Calibri is missing (see :mod:`text_fit`)."""
    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    box.name = name
    tf = box.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = anchor
    side, top = (0.2, 0.15) if fill is not None else (0.08, 0.04)
    tf.margin_left = tf.margin_right = Inches(side)
    tf.margin_top = tf.margin_bottom = Inches(top)
    if fill is not None:
        box.fill.solid()
        box.fill.fore_color.rgb = fill
    paragraphs = [[_full(r) for r in ([runs] if isinstance(runs, tuple) else runs)] for runs in paragraphs]
    spaces = space if isinstance(space, list) else [space] * len(paragraphs)
    scale = fit.fit_scale([[(t, size, bold, italic) for t, size, bold, _, italic in runs] for runs in paragraphs],
                          (w - 2 * side - indent) * 72, (h - 2 * top) * 72, spaces)
    for k, (runs, after) in enumerate(zip(paragraphs, spaces)):
        p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
        p.alignment = align
        p.space_after = Pt(after * scale)
        if indent:
            pPr = p._p.get_or_add_pPr()
            pPr.set("marL", str(Inches(indent)))
            pPr.set("indent", str(-Inches(indent)))
        for text, size, bold, color, italic in runs:
            _run(p, text, size * scale, bold, color, italic)
    return box


def _full(run: tuple) -> tuple:
    """A run as (text, size, bold, color, italic), defaults filled in."""
    return tuple(run) + (False, INK, False)[len(run) - 2:]


def _bullets(slide, name: str, x, y, w, h, items: list[str], size: float) -> None:
    text_box(slide, name, x, y, w, h, [("• " + t, size) for t in items], space=8, indent=0.28)


def _frame(slide, deck: Deck, number: int, total: int) -> None:
    text_box(slide, "footer", MARGIN, HEIGHT - 0.48, 9, 0.36, [(deck.footer, 12, False, MUTED)])
    text_box(slide, "slide-number", WIDTH - MARGIN - 2, HEIGHT - 0.48, 2, 0.36,
             [(f"{number} / {total}", 12, False, MUTED)], align=PP_ALIGN.RIGHT)


def _title(slide, s: Slide) -> float:
    """Title and subtitle; returns where the body starts (inches from the top)."""
    text_box(slide, "title", MARGIN, 0.3, WIDTH - 2 * MARGIN, 0.75, [(s.title, 34, True, ACCENT)],
             anchor=MSO_ANCHOR.BOTTOM)
    if s.subtitle:
        text_box(slide, "subtitle", MARGIN, 1.06, WIDTH - 2 * MARGIN, 0.62, [(s.subtitle, 17, False, MUTED)])
        return 1.8
    return 1.3


def title_slide(slide, s: Slide) -> None:
    band = slide.shapes.add_shape(1, 0, 0, Inches(WIDTH), Inches(0.25))  # 1 = rectangle
    band.name = "band"
    band.fill.solid()
    band.fill.fore_color.rgb = ACCENT
    band.line.fill.background()
    text_box(slide, "kicker", 1.0, 1.5, 11.3, 0.5, [(s.kicker.upper(), 18, True, MUTED)])
    text_box(slide, "title", 1.0, 2.0, 11.3, 1.3, [(s.title, 48, True, ACCENT)], anchor=MSO_ANCHOR.BOTTOM)
    text_box(slide, "subtitle", 1.0, 3.35, 11.3, 0.6, [(s.subtitle, 26, False, INK)])
    text_box(slide, "facts", 1.0, 4.25, 11.3, 1.8, [(line, 22, False, INK) for line in s.lines], space=6)
    text_box(slide, "small-print", 1.0, 6.2, 11.3, 0.5, [(s.small_print, 13, False, MUTED)])


def summary_slide(slide, s: Slide) -> None:
    top = _title(slide, s)
    table_w = 5.6
    left_w = WIDTH - 2 * MARGIN - table_w - 0.45
    text_box(slide, "groups-title", MARGIN, top, left_w, 0.5, [(s.groups_title, 22, True, INK)])
    paragraphs, gaps = [], []
    for g in s.groups:
        color = VERDICT_COLORS[g.classification]
        if g.items:
            paragraphs += [[(f"{g.sign} {g.label}", 20, True, color)], [(" · ".join(g.items), 17, False, INK)]]
            gaps += [2, 12]
        else:
            paragraphs.append([(f"{g.sign} {g.empty_label}", 20, True, color)])
            gaps.append(12)
    if s.message:
        paragraphs.append([(s.message, 20, False, INK)])
        gaps.append(0)
    if paragraphs:
        text_box(slide, "verdicts", MARGIN, top + 0.6, left_w, HEIGHT - top - 1.2, paragraphs, space=gaps)
    x = WIDTH - MARGIN - table_w
    bottom = _response_table(slide, s, x, top, table_w)
    if s.small_print:
        text_box(slide, "small-print", x, bottom + 0.2, table_w, HEIGHT - bottom - 0.75,
                 [(s.small_print, 13, False, MUTED)])


def _response_table(slide, s: Slide, x: float, top: float, w: float) -> float:
    """The responses table; returns where it ends (inches from the top)."""
    t = s.table
    text_box(slide, "table-title", x, top, w, 0.5, [(s.table_title, 22, True, INK)])
    rows, cols = len(t.rows) + 1, len(t.header)
    row_h = 0.4
    size, widths = table_fit([t.header] + list(t.rows), w, t.total_rows)
    shape = slide.shapes.add_table(rows, cols, Inches(x), Inches(top + 0.6), Inches(w), Inches(row_h * rows))
    shape.name = "responses"
    table = shape.table
    for j, width in enumerate(widths):
        table.columns[j].width = Emu(int(Inches(width)))
    tbl_pr = table._tbl.tblPr
    tbl_pr.set("bandRow", "0")
    tbl_pr.set("firstRow", "0")
    for i in range(rows):
        table.rows[i].height = Inches(row_h)
        values = t.header if i == 0 else t.rows[i - 1]
        total = i > len(t.rows) - t.total_rows
        for j, value in enumerate(values):
            cell = table.cell(i, j)
            cell.fill.solid()
            cell.fill.fore_color.rgb = LIGHT if i == 0 or total else RGBColor(0xFF, 0xFF, 0xFF)
            cell.margin_left = cell.margin_right = Inches(0.08)
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            p = cell.text_frame.paragraphs[0]
            p.alignment = PP_ALIGN.LEFT if j == 0 else PP_ALIGN.RIGHT
            _run(p, value, size, bold=(i == 0 or total), color=INK)
    return top + 0.6 + row_h * rows


CELL_MARGIN = 0.08  # inches left and right in a table cell


def table_fit(rows: list[list[str]], w: float, total_rows: int = 0, size: float = 16,
              smallest: float = 11) -> tuple[float, list[float]]:
    """(font size, column widths in inches) for a table ``w`` inches wide whose cells all stay on
    one line in the widest common substitute font: every column but the first as wide as its
    widest cell (bold in the header and the last ``total_rows`` rows) plus 10 % slack, the first
    the rest; the size steps down from ``size`` until that fits."""
    def need(j, pt):
        bold_from = len(rows) - total_rows
        return max(fit.text_width(r[j], pt, bold=(i == 0 or i >= bold_from)) for i, r in enumerate(rows)) \
            * 1.1 / 72 + 2 * CELL_MARGIN
    cols = len(rows[0])
    while True:
        widths = [need(j, size) for j in range(cols)]
        if sum(widths) <= w or size <= smallest:
            return size, [w - sum(widths[1:])] + widths[1:]
        size -= 0.5


def _headline_panel(slide, s: Slide, x: float, y: float, w: float, h: float) -> None:
    head = s.headline
    panel = slide.shapes.add_shape(1, Inches(x), Inches(y), Inches(w), Inches(h))
    panel.name = "headline-panel"
    panel.fill.solid()
    panel.fill.fore_color.rgb = LIGHT
    panel.line.fill.background()
    ix, iw = x + 0.12, w - 0.24
    if head is None:
        text_box(slide, "headline-value", ix, y + 0.2, iw, 1.0, [(TOO_FEW, 22, True, INK)])
        return
    text_box(slide, "headline-measure", ix, y + 0.08, iw, 1.05,
             [[(head.measure, 16, True, INK)], [(f"”{head.question_text}”", 14, False, MUTED, True)]], space=2)
    vy = y + 1.12
    if head.suppressed:
        text_box(slide, "headline-value", ix, vy, iw, 1.0, [(TOO_FEW, 24, True, INK)], anchor=MSO_ANCHOR.MIDDLE)
    else:
        runs = [(head.value_text, 60, True, ACCENT)]
        if head.national_text:  # the national figure right beside the förbund's
            runs.append((f"   {head.national_text}", 20, True, INK))
        text_box(slide, "headline-value", ix, vy, iw, 0.9, [runs], anchor=MSO_ANCHOR.MIDDLE)
    details = [[(head.n_text if head.suppressed else f"{head.key_text} · {head.n_text}", 15, False, INK)]]
    if head.change_text:
        color = {unc.INCREASE: VERDICT_COLORS[ins.INCREASE],
                 unc.DECREASE: VERDICT_COLORS[ins.DECREASE]}.get(head.change_verdict, INK)
        details.append([(head.change_text, 18, True, color)]
                       + ([(f"  {head.change_note}", 13, False, MUTED)] if head.change_note else []))
    if head.national_text and head.suppressed:
        details.append([(head.national_text, 18, True, INK)])
    if s.verdict:
        details.append([(s.verdict, 15, True, VERDICT_COLORS.get(s.classification, INK)),
                        (f" ({s.verdict_detail})", 13, False, MUTED)])
    text_box(slide, "headline-details", ix, vy + 0.95, iw, y + h - vy - 0.98, details, space=5)


def _picture(slide, figure, name: str, x: float, y: float, w: float, h: float, alt: str = "") -> None:
    buf = io.BytesIO()
    with charts.style(figure.get_label() or "finsam"):
        figure.savefig(buf, format="png", dpi=CHART_DPI, facecolor="white")
    buf.seek(0)
    pic = slide.shapes.add_picture(buf, Inches(x), Inches(y), Inches(w), Inches(h))
    pic.name = name
    pic._element.nvPicPr.cNvPr.set("descr", alt)  # alt text, read aloud by screen readers


def indicator_slide(slide, s: Slide) -> None:
    top = _title(slide, s)
    body_bottom = 5.3
    panel_w = 4.6
    _headline_panel(slide, s, MARGIN, top, panel_w, body_bottom - top)
    x = MARGIN + panel_w + 0.3
    w = WIDTH - MARGIN - x
    chart_h = body_bottom - top - 0.5
    if s.chart is not None:
        figure = chart_figure(s.chart, w, chart_h)
        _picture(slide, figure, "chart", x, top, w, chart_h, alt=chart_alt(s.chart))
        text_box(slide, "chart-caption", x, top + chart_h, w, 0.5, [(s.chart.caption, 13, False, MUTED)],
                 space=0)
    else:
        text_box(slide, "chart-missing", x, top, w, chart_h, [(TOO_FEW, 20, False, MUTED)],
                 anchor=MSO_ANCHOR.MIDDLE, align=PP_ALIGN.CENTER)
    if s.facts:
        _bullets(slide, "facts", MARGIN, body_bottom + 0.12, WIDTH - 2 * MARGIN, HEIGHT - body_bottom - 0.62,
                 s.facts, 15)


WRITERS = {"title": title_slide, "summary": summary_slide, "indicator": indicator_slide}


def write_pptx(deck: Deck, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # PowerPoint's 16:9, 13.33 × 7.5 in
    props = prs.core_properties
    props.title = f"Indikatorresultat {deck.year} – {deck.who}"
    props.language = LANG
    props.author = "finsam"
    blank = prs.slide_layouts[6]
    total = len(deck.slides)
    for number, s in enumerate(deck.slides, 1):
        slide = prs.slides.add_slide(blank)
        WRITERS[s.kind](slide, s)
        if s.kind != "title":
            _frame(slide, deck, number, total)
        if s.notes:
            slide.notes_slide.notes_text_frame.text = s.notes
    prs.save(path)
    return path
