"""Jinja2 templates of the package (``finsam_lib/templates/``), rendered with autoescape.

Markup lives in templates, not in Python strings: the batch index, the status page, the
reports' colophon, the reports themselves (``templates/report/``) and the meeting deck
(``templates/deck/``) are rendered here. One
environment, loaded once per process.

The report templates are written one element a line for their reader; their line breaks and
indentation are not part of the HTML (:class:`JoinLines`), so that a report renders to the
same markup it did when it was built in Python.
"""
from __future__ import annotations

import re
from functools import lru_cache

import jinja2.ext


class JoinLines(jinja2.ext.Extension):
    """Drop each line break with the indentation after it from the templates under ``report/``
    and the deck's ``deck/*.j2`` (a space wanted between two lines is written at the end of the
    first; the deck's included style and script keep theirs)."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        joined = name and (name.startswith("report/") or name.startswith("deck/") and name.endswith(".j2"))
        return re.sub(r"\n[ \t]*", "", source) if joined else source


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    from finsam_lib.base import format as fmt
    env = jinja2.Environment(loader=jinja2.PackageLoader("finsam_lib", "templates"),
                             autoescape=True, keep_trailing_newline=False, extensions=[JoinLines])
    env.filters.update(number=fmt.number, percent=fmt.percent, signed=fmt.signed)
    return env


def render(name: str, **context) -> str:
    """The template ``templates/<name>`` rendered with ``context`` (values are escaped unless
    marked safe). Raises jinja2.TemplateNotFound for an unknown name."""
    return _environment().get_template(name).render(**context)
