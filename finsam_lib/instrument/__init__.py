"""Instrument: the questionnaires, questions, scales, indicators and their versions, as data
(``finsam_lib/data/*.csv``; spec: method.md §1–3). The one source of the survey vocabulary.
"""
