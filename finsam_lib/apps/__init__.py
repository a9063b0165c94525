"""Apps: the faces users meet — the ``finsam`` command line, the explorer (ipywidgets/Voilà) and
the demo data builder.
"""
