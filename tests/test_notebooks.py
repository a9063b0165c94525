"""`finsam notebooks --out DIR`: copies of the notebooks for an analyst, never over their edits."""
from __future__ import annotations

import pytest

from finsam_lib.apps import cli
from finsam_lib.base.errors import FinsamError
from finsam_lib.publish import notebooks


def test_the_notebooks_are_found_in_the_checkout(repo_root):
    assert notebooks.folder() == repo_root / "notebooks"
    assert all((notebooks.folder() / name).is_file() for name in notebooks.NAMES)


def test_copies_every_notebook_and_says_so(tmp_path, capsys):
    assert cli.main(["notebooks", "--out", str(tmp_path / "mina")]) == 0
    for name in notebooks.NAMES:
        assert (tmp_path / "mina" / name).read_bytes() == (notebooks.folder() / name).read_bytes()
    out = capsys.readouterr().out
    assert "national_report.ipynb (ny)" in out and "jupyter lab" in out


def test_an_unchanged_copy_is_left_alone(tmp_path):
    notebooks.copy_to(tmp_path)
    assert {c.status for c in notebooks.copy_to(tmp_path)} == {"oförändrad"}


def test_refuses_to_overwrite_an_edited_copy(tmp_path, capsys):
    notebooks.copy_to(tmp_path)
    edited = tmp_path / "forbund_report.ipynb"
    edited.write_text("min version", encoding="utf-8")
    (tmp_path / "explore.ipynb").unlink()
    with pytest.raises(FinsamError, match="forbund_report.ipynb finns redan .*--force"):
        notebooks.copy_to(tmp_path)
    assert edited.read_text(encoding="utf-8") == "min version"
    assert not (tmp_path / "explore.ipynb").exists()  # nothing copied at all
    assert cli.main(["notebooks", "--out", str(tmp_path)]) == 1
    assert "Inget kopierades" in capsys.readouterr().err


def test_force_overwrites_the_edited_copy(tmp_path):
    notebooks.copy_to(tmp_path)
    (tmp_path / "forbund_report.ipynb").write_text("min version", encoding="utf-8")
    status = {c.path.name: c.status for c in notebooks.copy_to(tmp_path, force=True)}
    assert status == {"national_report.ipynb": "oförändrad", "forbund_report.ipynb": "ersatt",
                      "explore.ipynb": "oförändrad"}
    shipped = notebooks.folder() / "forbund_report.ipynb"
    assert (tmp_path / "forbund_report.ipynb").read_bytes() == shipped.read_bytes()
