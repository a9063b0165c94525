"""Base: what every layer may use — Swedish number style and grammar, the problem record every
reader and check reports with, and cell safety for spreadsheets and CSV.

Imports nothing else of finsam_lib.
"""
