"""Publishing: running the report notebooks, HTML with contents, PDF through Chromium, Excel
workbooks, the batch with its index, decks as files, status pages, provenance stamps and exports.
"""
