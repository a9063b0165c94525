"""Build step (pyproject.toml: [tool.setuptools.cmdclass]): a wheel carries the project's
top-level notebooks/ as finsam_lib/notebooks/, so the notebooks exist once in the repository.

An editable install skips this: finsam_lib then lives in the checkout and reads notebooks/
there (finsam_lib/publish/notebooks.py).
"""
from __future__ import annotations

from pathlib import Path

from setuptools.command.build_py import build_py

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


class BuildPy(build_py):
    """setuptools' build_py, plus notebooks/*.ipynb copied into finsam_lib/notebooks/."""

    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib, "finsam_lib", "notebooks")
        self.mkpath(str(target))
        for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
            self.copy_file(str(notebook), str(target / notebook.name))
