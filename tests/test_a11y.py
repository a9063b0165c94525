"""The accessibility helper (tests/a11y.py) finds what it should: a check that passes
everything would make every page's zero-violations assertion worthless."""
from __future__ import annotations

from a11y import axe_violations


def test_axe_reports_wcag_violations_and_passes_a_clean_page(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><head><title>x</title></head><body><main>"
                   "<img src='x.png'><table><tr><th></th><td>1</td></tr></table></main></body></html>",
                   encoding="utf-8")
    found = axe_violations(bad)
    assert any(v.startswith("image-alt") for v in found), found
    assert any(v.startswith("html-has-lang") for v in found), found
    good = tmp_path / "good.html"
    good.write_text("<!DOCTYPE html><html lang='sv'><head><title>Sida</title></head><body><main>"
                    "<h1>Rubrik</h1><p>Text.</p></main></body></html>", encoding="utf-8")
    assert axe_violations(good) == []
