"""The report and explorer notebooks: where the one copy is, and copies for an analyst.

The notebooks exist once, in the project's top-level ``notebooks/``. Running from a checkout
(an editable install, or ``PYTHONPATH``) finsam reads them there; a wheel carries them as
``finsam_lib/notebooks/``, copied in at build time by ``build_hooks.py`` (see pyproject.toml,
``[tool.setuptools.cmdclass]``). Either way the kernel imports the installed finsam_lib: no
notebook patches ``sys.path``.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from finsam_lib.base.errors import FinsamError

NAMES = ("national_report.ipynb", "forbund_report.ipynb", "explore.ipynb")


def folder() -> Path:
    """The folder holding the notebooks: ``notebooks/`` of the checkout finsam_lib was imported
    from, else ``finsam_lib/notebooks/`` of an installed wheel."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir():
        return root / "notebooks"
    return Path(str(resources.files("finsam_lib").joinpath("notebooks")))


@dataclass(frozen=True)
class Copied:
    """One notebook of :func:`copy_to`: where it went and what happened ('ny', 'oförändrad',
    'ersatt' — an edited copy overwritten by ``force``)."""
    path: Path
    status: str


def copy_to(out: str | Path, force: bool = False) -> list[Copied]:
    """Copy every notebook (:data:`NAMES`) into ``out`` for an analyst to open in JupyterLab.

    A copy already there that equals finsam's is left as it is. One that differs (edited, or from
    another finsam version) is overwritten only with ``force``; without it nothing is copied and
    FinsamError (Swedish, naming the files) says so, so an analyst's edits are never lost.
    """
    out = Path(out)
    source = folder()
    missing = [name for name in NAMES if not (source / name).is_file()]
    if missing:
        raise FinsamError(f"finsams notebooks saknas i {source}: {', '.join(missing)}.")
    edited = [out / name for name in NAMES
              if (out / name).exists() and (out / name).read_bytes() != (source / name).read_bytes()]
    if edited and not force:
        one = len(edited) == 1
        raise FinsamError(f"{', '.join(str(p) for p in edited)} finns redan och skiljer sig från finsams "
                          f"{'version (ändrad?)' if one else 'versioner (ändrade?)'}. Inget kopierades; "
                          "ange --force för att skriva över, eller välj en annan mapp med --out.")
    out.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in NAMES:
        target = out / name
        if target.exists() and target not in edited:
            copied.append(Copied(target, "oförändrad"))
            continue
        status = "ersatt" if target in edited else "ny"
        shutil.copyfile(source / name, target)
        copied.append(Copied(target, status))
    return copied
