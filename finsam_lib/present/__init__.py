"""Presentation: reports, decks and tables as data built from the figures — numbered tables and
charts, Swedish prose, charts as SVG — and the Jinja2 rendering they share. No file output here.
"""
