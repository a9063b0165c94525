"""Jinja2 templates of the package (``finsam_lib/templates/``), rendered with autoescape.

Markup lives in templates, not in Python strings: the batch index, the status page and the
reports' colophon are rendered here. One environment, loaded once per process.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _environment():
    import jinja2
    return jinja2.Environment(loader=jinja2.PackageLoader("finsam_lib", "templates"),
                              autoescape=True, keep_trailing_newline=False)


def render(name: str, **context) -> str:
    """The template ``templates/<name>`` rendered with ``context`` (values are escaped unless
    marked safe). Raises jinja2.TemplateNotFound for an unknown name."""
    return _environment().get_template(name).render(**context)
