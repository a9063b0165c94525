"""Figures: every number of the method (spec: method.md) from tidy answers — distributions, nyckeltal,
response and bortfall, trend, uncertainty (Wilson, Newcombe), disclosure, per-insats results, data
quality — and the published reference figures. Nothing here knows how a figure is shown.
"""
