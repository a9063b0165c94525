"""A report notebook as one HTML page: finsam's nbconvert template (outputs and narrative only,
no CDN links), the report's stylesheet, and the table of contents with ids made from the
headings' text (publish.publish_report exports with it; the PDF prints that page).
"""
from __future__ import annotations

import functools
import html
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

TEMPLATES = Path(str(resources.files("finsam_lib").joinpath("templates")))
NBCONVERT_TEMPLATES = TEMPLATES / "nbconvert"
TEMPLATE_NAME = "finsam_report"
TOC_MARK = "<!-- finsam:toc -->"


def stylesheet() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def notebook_html(nb, title: str, css: str | None = None) -> str:
    """A notebook as one self-contained HTML page: outputs and markdown only, our own
    template (no CDN links), a table of contents where the notebook put its mark."""
    body, _ = report_exporter().from_notebook_node(
        nb, resources={"finsam": {"title": title, "css": css if css is not None else stylesheet(), "lang": "sv"}})
    return add_toc(body)


@functools.lru_cache(maxsize=1)
def report_exporter():
    """The HTML exporter of every report page, built once per process (a batch worker exports
    report after report with it): nbconvert's HTMLExporter with finsam's template, without the
    input cells and prompts."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from traitlets.config import Config

    class ReportExporter(HTMLExporter):
        """HTMLExporter without its last pass: re-parsing the whole page with BeautifulSoup (a
        third of a förbund report's export) to give <img> without alt a placeholder text and
        JupyterLab's cell wrappers a tabindex. finsam's template writes neither (every image has
        its alt, no JupyterLab markup). What else the pass did is done here: the markdown headings'
        empty anchor links closed, and (add_toc) ids made from the text as it spelt it."""

        def from_notebook_node(self, nb, resources=None, **kw):  # HTMLExporter's, up to the re-parse
            lang = nb.metadata.get("language_info", {})
            self.register_filter("highlight_code", self.filters.get("highlight_code", Highlight2HTML(
                pygments_lexer=lang.get("pygments_lexer", lang.get("name")), parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            # Markdown headings' anchor links come as <a ... />, which HTML parses as an open <a>.
            return re.sub(r'(<a class="anchor-link"[^>]*?)\s*/>', r"\1></a>", page), resources

    config = Config()
    # The notebook validated once, after the preprocessors, not after each of the eleven (enabled
    # or not): 9 -> 6 ms of a förbund report's HTML on a warm exporter (issue 15).
    config.HTMLExporter.optimistic_validation = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove_cell", "hide"}
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.anchor_link_text = ""
    return ReportExporter(config=config, extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
                          template_name=TEMPLATE_NAME)


class _Headings(HTMLParser):
    """h1/h2 elements: (level, id, text, start offset)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._open, self._text = [], None, []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2") and self._open is None:
            a = dict(attrs)
            if "toc-title" in (a.get("class") or "") or "title" in (a.get("class") or "").split():
                return
            self._open, self._text = (int(tag[1]), a.get("id"), self.getpos()), []

    def handle_endtag(self, tag):
        if self._open and tag == f"h{self._open[0]}":
            level, anchor, pos = self._open
            self.found.append((level, anchor, " ".join("".join(self._text).split()), pos))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._text.append(data)


def slug(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "avsnitt"


def headings(page: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of the page's h1/h2 elements, in order (the contents' own title and the
    title page's left out). Only the headings are parsed, not the whole page."""
    parser = _Headings()
    parser.feed("".join(m.group(0) for m in re.finditer(r"<(h[12])(?:\s[^>]*)?>.*?</\1>", page, flags=re.S)))
    return [(level, anchor, text) for level, anchor, text, _ in parser.found]


def add_toc(page: str, pages: dict[str, int] | None = None) -> str:
    """Fill the table of contents from the page's h1/h2 headings (ids added where missing);
    ``pages`` adds page numbers by heading id."""
    used = set(re.findall(r'id="([^"]+)"', page))

    def ensure_id(m):
        tag, attrs, inner = m.group(1), m.group(2), m.group(3)
        if "id=" in attrs and "%" not in attrs:
            return m.group(0)
        attrs = re.sub(r'\s*id="[^"]*"', "", attrs)
        # The text as BeautifulSoup spelt it (characters, only &, < and > escaped): the ids stay.
        anchor = base = slug(html.escape(html.unescape(re.sub(r"<[^>]+>", "", inner)), quote=False))
        k = 2
        while anchor in used:
            anchor, k = f"{base}-{k}", k + 1
        used.add(anchor)
        return f'<{tag} id="{anchor}"{attrs}>{inner}</{tag}>'

    page = re.sub(r"<(h[12])((?:\s[^>]*)?)>(.*?)</\1>", ensure_id, page, flags=re.S)
    if TOC_MARK not in page:
        return page
    items = []
    for level, anchor, text in headings(page):
        number = (pages or {}).get(anchor)
        tail = (f'<span class="toc-dots"></span><span class="toc-page">{number}</span>'
                if number is not None else "")
        items.append(f'<li class="level-{level}"><a href="#{anchor}"><span class="toc-text">'
                     f'{html.escape(text)}</span>{tail}</a></li>')
    toc = f'<ol>{"".join(items)}</ol>'
    return re.sub(r"<!-- finsam:toc -->(?:<ol>.*?</ol>)?", lambda _: TOC_MARK + toc, page, count=1, flags=re.S)
