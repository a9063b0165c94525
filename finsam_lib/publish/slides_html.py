"""The meeting deck as one self-contained HTML file, from :class:`deck.Deck`.

Works offline: the charts are inline SVG (text stays text), the style and the few
lines of script are in the file, and nothing links outside it. On screen one slide
shows at a time, scaled to the window (16:9); arrow keys, space, Page Up/Down, Home
and End move between slides, a click on the right or left part of the slide too,
F toggles full screen and N the speaker notes. Printed, each slide is one page.
Without script every slide shows, one under the other.

The markup, style and script live in ``templates/deck/`` (rendered with autoescape by
:mod:`finsam_lib.present.templating`); this module hands them each slide's data.
"""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from markupsafe import Markup

from finsam_lib.figures import uncertainty as unc
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts
from finsam_lib.present.deck import NO_COMPARISON, TOO_FEW, Deck, Slide, chart_alt, chart_figure
from finsam_lib.present.templating import render

# The HTML layout matches slides_pptx: a 13.333 × 7.5 in slide; 1 unit (--u) = 0.01 in.
CHART_W, CHART_H = 7.2, 3.05  # inches, as on the PowerPoint slide
VERDICT_CLASS = {ins.INCREASE: "up", ins.DECREASE: "down", ins.NEITHER: "same", unc.NO_SURE_CHANGE: "same",
                 NO_COMPARISON: "same"}


def inline_svg(figure) -> str:
    """charts.to_svg without what an inline SVG in HTML does not need (namespaces, metadata):
    the deck holds no web addresses at all."""
    svg = charts.to_svg(figure)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", svg)
    svg = re.sub(r'\s+version="1\.1"', "", svg, count=1)
    return svg


def _headline(s: Slide) -> dict:
    """The headline box of an indicator slide, as the template ``deck/slides.html.j2`` shows it."""
    head = s.headline
    if head is None:
        return {"missing": True, "too_few": TOO_FEW}
    return {"missing": False, "too_few": TOO_FEW, "measure": head.measure, "question": head.question_text,
            "suppressed": head.suppressed, "value": head.value_text, "national": head.national_text,
            "key": head.n_text if head.suppressed else f"{head.key_text} · {head.n_text}",
            "change": head.change_text, "change_note": head.change_note,
            "change_cls": {unc.INCREASE: "up", unc.DECREASE: "down"}.get(head.change_verdict, ""),
            "verdict": s.verdict, "verdict_detail": s.verdict_detail,
            "verdict_cls": VERDICT_CLASS.get(s.classification, "")}


def _chart(s: Slide) -> dict:
    """The chart of an indicator slide: its inline SVG (trusted markup from matplotlib, after
    ``<svg `` so that the template adds the alternative text), or missing."""
    if s.chart is None:
        return {"missing": True, "too_few": TOO_FEW}
    svg = inline_svg(chart_figure(s.chart, CHART_W, CHART_H))
    return {"missing": False, "alt": chart_alt(s.chart), "caption": s.chart.caption,
            "svg_rest": Markup(svg.removeprefix("<svg "))}


def _slide(s: Slide) -> SimpleNamespace:
    """What the templates show of one slide: its own fields, with the slide's class, the verdict
    groups as (class, group) pairs and the indicator slide's headline and chart worked out here."""
    x = dict(vars(s), cls="title-slide" if s.kind == "title" else s.kind,
             groups=[(VERDICT_CLASS[g.classification], g) for g in s.groups])
    if s.kind == "indicator":
        x.update(headline=_headline(s), chart=_chart(s))
    return SimpleNamespace(**x)


def deck_html(deck: Deck) -> str:
    """The deck as one HTML page (str), rendered from ``templates/deck/`` with autoescape."""
    return render("deck/deck.html.j2", title=f"Indikatorresultat {deck.year} – {deck.who}",
                  footer=deck.footer, slides=[_slide(s) for s in deck.slides])


def write_html(deck: Deck, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(deck_html(deck), encoding="utf-8")
    return path
