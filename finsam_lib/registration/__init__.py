"""Registration: reading and validating the förbund's registration workbooks (spec:
registration-file.md), the förbund history (renames and mergers), and writing empty templates.
"""
