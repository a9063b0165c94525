"""The meeting deck as one self-contained HTML file, from :class:`deck.Deck`.

Works offline: the charts are inline SVG (text stays text), the style and the few
lines of script are in the file, and nothing links outside it. On screen one slide
shows at a time, scaled to the window (16:9); arrow keys, space, Page Up/Down, Home
and End move between slides, a click on the right or left part of the slide too,
F toggles full screen and N the speaker notes. Printed, each slide is one page.
Without script every slide shows, one under the other.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from finsam_lib.figures import uncertainty as unc
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts
from finsam_lib.present.deck import NO_COMPARISON, TOO_FEW, Deck, Slide, chart_alt, chart_figure

# The HTML layout matches slides_pptx: a 13.333 × 7.5 in slide; 1 unit (--u) = 0.01 in.
CHART_W, CHART_H = 7.2, 3.05  # inches, as on the PowerPoint slide
VERDICT_CLASS = {ins.INCREASE: "up", ins.DECREASE: "down", ins.NEITHER: "same", unc.NO_SURE_CHANGE: "same",
                 NO_COMPARISON: "same"}

CSS = """
:root { --u: min(calc(100vw / 1333.3), calc(100vh / 750)); --pt: calc(var(--u) * 1.38889);
  --ink: #1a1a1a; --muted: #595959; --accent: #004b7f; --light: #eef3f8;
  --up: #007a5a; --down: #b34a00; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #2b2b2b; }
body { font-family: Calibri, Carlito, "Segoe UI", "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
  color: var(--ink); }
.deck { display: flex; flex-direction: column; align-items: center; gap: calc(var(--u) * 20);
  padding: calc(var(--u) * 20) 0; }
.slide { position: relative; width: calc(var(--u) * 1333.3); height: calc(var(--u) * 750);
  background: white; overflow: hidden; display: flex; flex-direction: column;
  padding: calc(var(--u) * 30) calc(var(--u) * 60) calc(var(--u) * 14); }
.js .deck { padding: 0; height: 100vh; justify-content: center; }
.js .slide { display: none; }
.js .slide.active { display: flex; }
.slide p, .slide h1, .slide h2, .slide ul { margin: 0; }
h1 { color: var(--accent); font-size: calc(var(--pt) * 34); font-weight: 700; line-height: 1.1; }
.subtitle { color: var(--muted); font-size: calc(var(--pt) * 17); line-height: 1.2;
  margin-top: calc(var(--u) * 6) !important; min-height: calc(var(--pt) * 17 * 2.4); }
.footer { display: flex; justify-content: space-between; color: var(--muted);
  font-size: calc(var(--pt) * 12); margin-top: auto; padding-top: calc(var(--u) * 6); }
/* Title slide */
.title-slide { padding: calc(var(--u) * 150) calc(var(--u) * 100) calc(var(--u) * 40); }
.title-slide::before { content: ""; position: absolute; left: 0; top: 0; right: 0;
  height: calc(var(--u) * 25); background: var(--accent); }
.kicker { color: var(--muted); font-weight: 700; font-size: calc(var(--pt) * 18);
  letter-spacing: 0.04em; text-transform: uppercase; }
.title-slide h1 { font-size: calc(var(--pt) * 48); margin-top: calc(var(--u) * 40) !important; }
.title-slide .subtitle { color: var(--ink); font-size: calc(var(--pt) * 26); min-height: 0; }
.title-facts { list-style: none; padding: 0; margin-top: calc(var(--u) * 40) !important;
  font-size: calc(var(--pt) * 22); line-height: 1.35; }
.small-print { color: var(--muted); font-size: calc(var(--pt) * 13); margin-top: auto !important; }
/* Summary slide */
.summary-body { display: grid; grid-template-columns: 1fr calc(var(--u) * 510);
  gap: calc(var(--u) * 45); margin-top: calc(var(--u) * 12); }
h2 { font-size: calc(var(--pt) * 22); font-weight: 700; margin-bottom: calc(var(--u) * 12) !important; }
.verdict-group { margin-bottom: calc(var(--u) * 16); }
.verdict-group h3 { margin: 0; font-size: calc(var(--pt) * 20); }
.verdict-group p { font-size: calc(var(--pt) * 17); line-height: 1.3; }
.message { font-size: calc(var(--pt) * 20); }
.up { color: var(--up); } .down { color: var(--down); } .same { color: var(--muted); }
table.responses { border-collapse: collapse; width: 100%; font-size: calc(var(--pt) * 16); }
.responses th, .responses td { padding: calc(var(--u) * 6) calc(var(--u) * 8);
  border-bottom: calc(var(--u) * 1) solid #d9d9d9; text-align: right; }
.responses th:first-child, .responses td:first-child { text-align: left; }
.responses thead th, .responses tr.total td { background: var(--light); font-weight: 700; }
.summary .small-print { margin-top: calc(var(--u) * 20) !important; }
/* Indicator slide */
.indicator-body { display: grid; grid-template-columns: calc(var(--u) * 460) 1fr;
  gap: calc(var(--u) * 30); height: calc(var(--u) * 350); margin-top: calc(var(--u) * 8); }
.headline { background: var(--light); padding: calc(var(--u) * 12) calc(var(--u) * 16);
  display: flex; flex-direction: column; gap: calc(var(--u) * 6); overflow: hidden; }
.measure { font-weight: 700; font-size: calc(var(--pt) * 16); }
.question { color: var(--muted); font-style: italic; font-size: calc(var(--pt) * 14); line-height: 1.2; }
.headline-value { color: var(--accent); font-weight: 700; font-size: calc(var(--pt) * 64);
  line-height: 1.05; margin: calc(var(--u) * 8) 0 !important; }
.headline-value.too-few { color: var(--ink); font-size: calc(var(--pt) * 24); line-height: 1.2; }
.key { font-size: calc(var(--pt) * 15); }
.change, .national { font-weight: 700; font-size: calc(var(--pt) * 18); }
.headline-value .national { color: var(--ink); font-size: calc(var(--pt) * 20);
  margin-left: calc(var(--u) * 24); }
.verdict { font-weight: 700; font-size: calc(var(--pt) * 15); }
.change span { font-weight: 400; color: var(--muted); font-size: calc(var(--pt) * 13); }
.verdict span { font-weight: 400; color: var(--muted); font-size: calc(var(--pt) * 13); }
figure.chart-box { margin: 0; display: flex; flex-direction: column; min-width: 0; }
.chart-box .plot { flex: 1; min-height: 0; }
.chart-box svg { width: 100%; height: 100%; display: block; }
.chart-box figcaption { color: var(--muted); font-size: calc(var(--pt) * 13);
  padding-top: calc(var(--u) * 4); }
.chart-box .missing { flex: 1; display: flex; align-items: center; justify-content: center;
  color: var(--muted); font-size: calc(var(--pt) * 20); }
ul.facts { margin-top: calc(var(--u) * 14) !important; padding-left: calc(var(--u) * 28);
  font-size: calc(var(--pt) * 15); line-height: 1.25; }
ul.facts li { margin-bottom: calc(var(--u) * 8); }
.notes { display: none; }
.show-notes .slide.active .notes { display: block; position: absolute; left: 0; right: 0; bottom: 0;
  max-height: 60%; overflow: auto; background: rgba(255, 255, 240, 0.97); border-top: 2px solid #999;
  padding: calc(var(--u) * 16) calc(var(--u) * 60); font-size: calc(var(--pt) * 14);
  white-space: pre-wrap; }
@page { size: 13.333in 7.5in; margin: 0; }
@media print {
  :root { --u: 0.01in; }
  html, body { background: white; }
  .deck, .js .deck { display: block; padding: 0; height: auto; gap: 0; }
  .slide, .js .slide { display: flex !important; break-after: page; page-break-after: always;
    break-inside: avoid; margin: 0; }
  .slide:last-child { break-after: auto; page-break-after: auto; }
  .notes, .show-notes .slide.active .notes { display: none !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

SCRIPT = """
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var current = 0;
  function show(n) {
    current = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (s, k) { s.classList.toggle("active", k === current); });
    try { history.replaceState(null, "", "#" + (current + 1)); } catch (e) {}
  }
  document.addEventListener("keydown", function (e) {
    var next = ["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"];
    var prev = ["ArrowLeft", "ArrowUp", "PageUp", "Backspace"];
    if (next.indexOf(e.key) >= 0) { e.preventDefault(); show(current + 1); }
    else if (prev.indexOf(e.key) >= 0) { e.preventDefault(); show(current - 1); }
    else if (e.key === "Home") { show(0); }
    else if (e.key === "End") { show(slides.length - 1); }
    else if (e.key === "f" || e.key === "F") {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (root.requestFullscreen) { root.requestFullscreen(); }
    }
    else if (e.key === "n" || e.key === "N") { root.classList.toggle("show-notes"); }
  });
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest(".notes")) { return; }
    show(e.clientX < window.innerWidth / 3 ? current - 1 : current + 1);
  });
  var start = parseInt((location.hash || "#1").slice(1), 10);
  show(isNaN(start) ? 0 : start - 1);
})();
"""


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def inline_svg(figure) -> str:
    """charts.to_svg without what an inline SVG in HTML does not need (namespaces, metadata):
    the deck holds no web addresses at all."""
    svg = charts.to_svg(figure)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", svg)
    svg = re.sub(r'\s+version="1\.1"', "", svg, count=1)
    return svg


def _footer(deck: Deck, number: int, total: int) -> str:
    return (f'<div class="footer"><span>{esc(deck.footer)}</span>'
            f'<span>{number} / {total}</span></div>')


def _notes(s: Slide) -> str:
    return f'<aside class="notes">{esc(s.notes)}</aside>' if s.notes else ""


def title_slide(s: Slide) -> str:
    facts = "".join(f"<li>{esc(x)}</li>" for x in s.lines)
    return (f'<p class="kicker">{esc(s.kicker)}</p><h1>{esc(s.title)}</h1>'
            f'<p class="subtitle">{esc(s.subtitle)}</p><ul class="title-facts">{facts}</ul>'
            f'<p class="small-print">{esc(s.small_print)}</p>')


def _table(s: Slide) -> str:
    t = s.table
    head = "".join(f"<th>{esc(h)}</th>" for h in t.header)
    rows = []
    for i, r in enumerate(t.rows):
        total = i >= len(t.rows) - t.total_rows
        cells = "".join(f"<td>{esc(v)}</td>" for v in r)
        cls = ' class="total"' if total else ""
        rows.append(f"<tr{cls}>{cells}</tr>")
    return (f'<table class="responses"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def summary_slide(s: Slide) -> str:
    groups = []
    for g in s.groups:
        cls = VERDICT_CLASS[g.classification]
        if g.items:
            items = " · ".join(esc(x) for x in g.items)
            groups.append(f'<div class="verdict-group"><h3 class="{cls}">{esc(g.sign)} {esc(g.label)}</h3>'
                          f'<p>{items}</p></div>')
        else:
            groups.append(f'<div class="verdict-group"><h3 class="{cls}">{esc(g.sign)} {esc(g.empty_label)}'
                          '</h3></div>')
    message = f'<p class="message">{esc(s.message)}</p>' if s.message else ""
    left = f'<div><h2>{esc(s.groups_title)}</h2>{"".join(groups)}{message}</div>'
    small = f'<p class="small-print">{esc(s.small_print)}</p>' if s.small_print else ""
    right = f'<div><h2>{esc(s.table_title)}</h2>{_table(s)}{small}</div>'
    return f'<h1>{esc(s.title)}</h1><div class="summary-body">{left}{right}</div>'


def _headline(s: Slide) -> str:
    head = s.headline
    if head is None:
        return f'<div class="headline"><p class="headline-value too-few">{esc(TOO_FEW)}</p></div>'
    parts = [f'<p class="measure">{esc(head.measure)}</p>',
             f'<p class="question">”{esc(head.question_text)}”</p>']
    if head.suppressed:
        parts.append(f'<p class="headline-value too-few">{esc(TOO_FEW)}</p>')
    else:
        beside = f' <span class="national">{esc(head.national_text)}</span>' if head.national_text else ""
        parts.append(f'<p class="headline-value">{esc(head.value_text)}{beside}</p>')
    key = head.n_text if head.suppressed else f"{head.key_text} · {head.n_text}"
    parts.append(f'<p class="key">{esc(key)}</p>')
    if head.change_text:
        cls = {unc.INCREASE: "up", unc.DECREASE: "down"}.get(head.change_verdict, "")
        note = f' <span>{esc(head.change_note)}</span>' if head.change_note else ""
        parts.append(f'<p class="change {cls}">{esc(head.change_text)}{note}</p>')
    if head.national_text and head.suppressed:
        parts.append(f'<p class="national">{esc(head.national_text)}</p>')
    if s.verdict:
        parts.append(f'<p class="verdict {VERDICT_CLASS.get(s.classification, "")}">{esc(s.verdict)} '
                     f'<span>({esc(s.verdict_detail)})</span></p>')
    return f'<div class="headline">{"".join(parts)}</div>'


def _chart(s: Slide) -> str:
    if s.chart is None:
        return f'<figure class="chart-box"><div class="missing">{esc(TOO_FEW)}</div></figure>'
    svg = inline_svg(chart_figure(s.chart, CHART_W, CHART_H))
    svg = svg.replace("<svg ", f'<svg aria-label="{esc(chart_alt(s.chart))}" ', 1)
    return (f'<figure class="chart-box"><div class="plot">{svg}</div>'
            f'<figcaption>{esc(s.chart.caption)}</figcaption></figure>')


def indicator_slide(s: Slide) -> str:
    facts = "".join(f"<li>{esc(f)}</li>" for f in s.facts)
    return (f'<h1>{esc(s.title)}</h1><p class="subtitle">{esc(s.subtitle)}</p>'
            f'<div class="indicator-body">{_headline(s)}{_chart(s)}</div>'
            + (f'<ul class="facts">{facts}</ul>' if facts else ""))


WRITERS = {"title": title_slide, "summary": summary_slide, "indicator": indicator_slide}


def deck_html(deck: Deck) -> str:
    total = len(deck.slides)
    sections = []
    for number, s in enumerate(deck.slides, 1):
        cls = "title-slide" if s.kind == "title" else s.kind
        attrs = f'class="slide {cls}" id="bild-{number}" data-kind="{s.kind}"'
        if s.indicator is not None:
            attrs += f' data-indicator="{s.indicator}"'
        footer = _footer(deck, number, total) if s.kind != "title" else ""
        sections.append(f'<section {attrs} aria-label="Bild {number} av {total}">'
                        f'{WRITERS[s.kind](s)}{footer}{_notes(s)}</section>')
    title = f"Indikatorresultat {deck.year} – {deck.who}"
    return ("<!DOCTYPE html>\n"
            f'<html lang="sv"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head>"
            f'<body><main class="deck">{"".join(sections)}</main><script>{SCRIPT}</script></body></html>\n')


def write_html(deck: Deck, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(deck_html(deck), encoding="utf-8")
    return path
