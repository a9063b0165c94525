"""The package is laid out by layer, and imports point one way (issue 12).

The contract itself lives in pyproject.toml ([tool.importlinter]): apps → publish → present →
figures → registration → instrument → base, each importing only those below it.
"""
from pathlib import Path

import pytest

importlinter_cli = pytest.importorskip("importlinter.cli")

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "finsam_lib"
LAYERS = ["apps", "publish", "present", "figures", "registration", "instrument", "base"]


def test_imports_follow_the_layer_contract(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    status = importlinter_cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True,
                                           no_logo=True)
    assert status == importlinter_cli.EXIT_STATUS_SUCCESS, capsys.readouterr().out


def test_the_contract_names_every_layer_package_in_order():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = config["contracts"]
    assert contract["type"] == "layers"
    assert contract["layers"] == [f"finsam_lib.{layer}" for layer in LAYERS]


def test_every_module_lives_in_a_layer_package():
    flat = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert flat == [], f"modules outside the layer packages: {flat}"
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py") if p.parent.name != "data")
    assert packages == sorted(LAYERS)
    for layer in LAYERS:
        doc = (PACKAGE / layer / "__init__.py").read_text(encoding="utf-8")
        assert doc.startswith('"""'), f"{layer}/__init__.py says what the layer holds"
