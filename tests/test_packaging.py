"""Packaging: pyproject.toml and environment.yml agree, package data are installed,
the `finsam` command runs, and CI never downloads a browser."""
from __future__ import annotations

import glob
import importlib.metadata as md
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from the PyPI name of the same thing.
CONDA_ALIASES = {"matplotlib-base": "matplotlib"}
# Entries of environment.yml that are tools, not project dependencies.
ENV_ONLY = {"python", "pip"}


def norm_name(spec: str) -> str:
    """'jupyterlab_widgets>=3,<4' -> 'jupyterlab-widgets'; 'python=3.11' -> 'python'."""
    name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec).group(1)
    name = re.sub(r"[-_.]+", "-", name).lower()
    return CONDA_ALIASES.get(name, name)


@pytest.fixture(scope="module")
def pyproject(repo_root):
    with open(repo_root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def environment(repo_root):
    with open(repo_root / "environment.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def env_specs(environment) -> tuple[list[str], list[str]]:
    """(conda specs, pip specs) of environment.yml."""
    conda, pip = [], []
    for dep in environment["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep.get("pip", []))
        else:
            conda.append(str(dep))
    return conda, pip


def test_environment_lists_the_same_dependencies_as_pyproject(pyproject, environment):
    deps = {norm_name(d) for d in pyproject["project"]["dependencies"]}
    test = {norm_name(d) for d in pyproject["project"]["optional-dependencies"]["test"]}
    conda, pip = env_specs(environment)
    env = {norm_name(d) for d in conda + pip if not d.lstrip().startswith("-")} - ENV_ONLY
    assert not test - env, f"test extra missing from environment.yml: {sorted(test - env)}"
    assert env - test == deps, (
        f"only in pyproject.toml: {sorted(deps - env)}; "
        f"only in environment.yml: {sorted(env - test - deps)}")


def test_environment_installs_the_project(environment):
    assert environment["name"] == "finsam"
    assert "conda-forge" in environment["channels"]
    conda, pip = env_specs(environment)
    assert "python=3.11" in [c.replace(" ", "") for c in conda]
    assert "-e ." in [p.strip() for p in pip]


def test_pyproject_essentials(pyproject):
    project = pyproject["project"]
    assert project["requires-python"] == ">=3.11"
    assert project["scripts"] == {"finsam": "finsam_lib.apps.cli:command"}  # main, then gc.freeze as it exits
    assert {norm_name(d) for d in project["optional-dependencies"]["test"]} >= {"pytest", "pytest-xdist"}


def test_installed_versions_satisfy_the_pins(pyproject):
    """The ranges in pyproject.toml include what the test environment has installed."""
    requirements = pytest.importorskip("packaging.requirements")
    wrong = []
    for spec in pyproject["project"]["dependencies"]:
        req = requirements.Requirement(spec)
        try:
            version = md.version(req.name)
        except md.PackageNotFoundError:
            wrong.append(f"{req.name} not installed")
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            wrong.append(f"{req.name} {version} not in {req.specifier}")
    assert not wrong, wrong


def _package_data_files(repo_root: Path, pyproject) -> set[Path]:
    """The files setuptools adds as package data for finsam_lib (it globs the same way)."""
    setup = pyproject["tool"]["setuptools"]
    package = repo_root / "finsam_lib"
    found = set()
    for pattern in setup["package-data"]["finsam_lib"]:
        found.update(Path(p) for p in glob.glob(str(package / pattern), recursive=True)
                     if os.path.isfile(p))
    return found


def test_non_python_files_in_the_package_are_package_data(repo_root, pyproject):
    package = repo_root / "finsam_lib"
    shipped = _package_data_files(repo_root, pyproject)
    missing = []
    for path in package.rglob("*"):
        parts = path.relative_to(package).parts
        if (not path.is_file() or path.suffix in (".py", ".pyc")
                or any(p == "__pycache__" or p.startswith(".") for p in parts)):
            continue
        if path not in shipped:
            missing.append(str(path.relative_to(repo_root)))
    assert not missing, ("not installed with the package; add a glob to "
                         f"[tool.setuptools.package-data] in pyproject.toml: {missing}")
    assert any(p.name == "instrument_questions.csv" for p in shipped)
    assert any(p.parent.name == "published" for p in shipped)


def _run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=120, encoding="utf-8")


def test_finsam_help_runs(repo_root):
    done = _run([sys.executable, "-m", "finsam_lib.apps.cli", "--help"], repo_root)
    assert done.returncode == 0, done.stderr
    assert "finsam" in done.stdout and "validate" in done.stdout


def test_finsam_console_script_runs(repo_root, tmp_path):
    try:
        md.distribution("finsam")
    except md.PackageNotFoundError:
        pytest.skip("finsam is not installed in this environment (pip install -e .)")
    name = "finsam.exe" if os.name == "nt" else "finsam"
    candidates = [Path(sys.executable).parent / name, Path(sysconfig.get_path("scripts")) / name]
    script = next((c for c in candidates if c.exists()), None)
    assert script is not None, f"no {name} script in {[str(c.parent) for c in candidates]}"
    done = _run([str(script), "--help"], tmp_path)  # outside the repo: the installed package
    assert done.returncode == 0, done.stderr
    assert "validate" in done.stdout


def test_nothing_downloads_a_browser(repo_root):
    for name in ("Makefile", ".ci/run"):
        text = (repo_root / name).read_text(encoding="utf-8")
        assert "playwright install" not in text, name


def test_ci_script_is_executable_bash(repo_root):
    run = repo_root / ".ci" / "run"
    assert run.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in run.read_text(encoding="utf-8")
    if os.name != "nt":
        assert os.access(run, os.X_OK)


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_hold_no_logic_and_no_path_patches(source):
    """notebooks/ is the one copy (the wheel carries it: see below); a notebook only calls into
    the installed finsam_lib and never patches sys.path to find it."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") for c in code), "notebooks are committed without outputs"
    for cell in code:
        text = "".join(cell["source"])
        assert not re.search(r"^\s*(def|class|for|while)\b", text, re.M), f"logic in {source.name}: {text[:80]}"
        assert "sys.path" not in text and "PYTHONPATH" not in text, f"path patch in {source.name}"


def test_notebooks_exist_once(repo_root):
    copies = [p for p in repo_root.rglob("*.ipynb")
              if not {".git", ".venv", ".ipynb_checkpoints", "output"} & set(p.relative_to(repo_root).parts)]
    assert sorted(p.parent.name for p in copies) == ["notebooks"] * len(NOTEBOOKS), copies


def test_the_wheel_carries_the_notebooks(repo_root, tmp_path):
    """`pip wheel .` puts notebooks/ into the wheel as finsam_lib/notebooks/ (build_hooks.py), where
    finsam_lib.publish.notebooks.folder() looks in an installed package. Built from a copy in
    tmp_path (a build writes build/ and *.egg-info beside the sources), with the setuptools at hand."""
    import zipfile

    source = tmp_path / "src"
    top_level_only = {".git", ".venv", "tests", "benchmarks", "data", "output", "build", "dist"}

    def ignore(folder, names):
        skip = top_level_only if Path(folder) == repo_root else set()
        return [n for n in names if n in skip or n == "__pycache__" or n.endswith(".egg-info")]

    shutil.copytree(repo_root, source, ignore=ignore)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(tmp_path / "wheel"), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "wheel").glob("finsam-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"finsam_lib/notebooks/{p.name}" for p in NOTEBOOKS} <= names
    assert "finsam_lib/templates/report.css" in names and "finsam_lib/data/indicators.csv" in names
    assert "build_hooks.py" not in names


def test_every_notebook_is_there():
    assert {p.name for p in NOTEBOOKS} >= {"national_report.ipynb", "forbund_report.ipynb", "explore.ipynb"}


def test_make_report_installs_the_browser_packages_that_ci_installs(repo_root):
    """`make report` sets up Debian's chromium and fonts (when root) as .ci/run does: same packages."""
    makefile = (repo_root / "Makefile").read_text(encoding="utf-8")
    packages = re.search(r"^BROWSER_PACKAGES\s*:=(.*)$", makefile, re.M).group(1).split()
    assert "chromium" in packages
    assert re.search(r"^report:.*\bbrowser\b", makefile, re.M)
    ci = (repo_root / ".ci" / "run").read_text(encoding="utf-8")
    installed = re.search(r"^for pkg in (chromium\b[^;]*);", ci, re.M).group(1).split()
    assert set(packages) <= set(installed)


def test_make_browser_installs_what_is_missing_and_upgrades_nothing(repo_root, tmp_path):
    """`make browser` with no browser found, as root with apt-get: it asks apt-get to install the
    browser packages without upgrading any that is installed already (--no-upgrade). Without it, a
    chromium that finsam could not see was upgraded half-way and crashed at every start after."""
    if shutil.which("make") is None:
        pytest.skip("make saknas")
    fake = tmp_path / "bin"
    fake.mkdir()
    calls = tmp_path / "apt-get.calls"
    (fake / "apt-get").write_text(f'#!/bin/sh\necho "$*" >> {calls}\n', encoding="utf-8")
    (fake / "id").write_text("#!/bin/sh\necho 0\n", encoding="utf-8")  # root, for the Makefile's test
    for tool in ("apt-get", "id"):
        (fake / tool).chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.touch()
    done = subprocess.run(["make", "-s", "-C", str(repo_root), "browser", f"BIN={Path(sys.executable).parent}",
                           f"STAMP={stamp}"], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PATH=f"{fake}{os.pathsep}{os.environ['PATH']}",
                                   FINSAM_BROWSER=str(tmp_path / "ingen-webbläsare")))
    assert done.returncode == 0, done.stderr
    installs = [line.split() for line in calls.read_text(encoding="utf-8").splitlines() if "install" in line]
    assert installs and all("--no-upgrade" in args and "chromium" in args for args in installs)


def _imported_top_names(source: str) -> set[str]:
    """Top-level names of the absolute imports in Python source ('from pptx.util import Pt' -> 'pptx'),
    lazy imports inside functions included."""
    import ast

    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _notebook_source(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _undeclared(sources: dict[str, str], declared: set[str], local: set[str]) -> list[str]:
    """'file: name' for every third-party import in ``sources`` that no declared distribution provides."""
    provides = md.packages_distributions()  # import name -> distributions installing it
    missing = []
    for where, source in sorted(sources.items()):
        for name in sorted(_imported_top_names(source) - set(sys.stdlib_module_names) - local):
            dists = {norm_name(d) for d in provides.get(name, [])}
            if not dists & declared:
                missing.append(f"{where}: {name} ({', '.join(sorted(dists)) or 'not installed'})")
    return missing


def test_every_imported_package_is_declared(repo_root, pyproject):
    """Each third-party package finsam_lib or a notebook imports is a dependency in pyproject.toml
    (and so, by the test above, in environment.yml), not only something another package pulls in."""
    declared = {norm_name(d) for d in pyproject["project"]["dependencies"]}
    sources = {str(p.relative_to(repo_root)): p.read_text(encoding="utf-8")
               for p in (repo_root / "finsam_lib").rglob("*.py")}
    sources |= {str(p.relative_to(repo_root)): _notebook_source(p) for p in NOTEBOOKS}
    assert len(sources) > 40
    missing = _undeclared(sources, declared, {"finsam_lib"})
    assert not missing, f"imported but not in [project] dependencies of pyproject.toml: {missing}"


def test_every_package_the_tests_import_is_declared(repo_root, pyproject):
    """The tests' imports are dependencies or in the test extra."""
    project = pyproject["project"]
    declared = {norm_name(d) for d in project["dependencies"] + project["optional-dependencies"]["test"]}
    tests = repo_root / "tests"
    sources = {str(p.relative_to(repo_root)): p.read_text(encoding="utf-8") for p in tests.glob("*.py")}
    local = {"finsam_lib", "conftest"} | {p.stem for p in tests.glob("*.py")}
    missing = _undeclared(sources, declared, local)
    assert not missing, f"imported by tests but in neither dependencies nor the test extra: {missing}"


def test_make_and_ci_scripts_import_what_exists(repo_root):
    """The Makefile and the .ci scripts run small Python snippets against the package; every name
    they import from finsam_lib must exist (a module split once broke `make report` unseen)."""
    import importlib

    found = []
    for script in [repo_root / "Makefile", *sorted((repo_root / ".ci").iterdir())]:
        text = script.read_text(encoding="utf-8")
        for module, names in re.findall(r"from (finsam_lib[\w.]*) import ([\w, ]+?)(?:;|\"|$| as |\n)", text, re.M):
            for name in (n.strip() for n in names.split(",")):
                found.append((script.name, module, name))
                assert hasattr(importlib.import_module(module), name), f"{script.name}: {module}.{name}"
    assert any(s == "Makefile" for s, _, _ in found) and any(s != "Makefile" for s, _, _ in found)


def test_latest_year_is_the_latest_matar_of_the_workbooks(fixture_2020_2022, tmp_path):
    """`make report` without YEAR reports on the latest Mätår in data/ (registration.reader.latest_year)."""
    from finsam_lib.registration.reader import latest_year

    assert latest_year([fixture_2020_2022]) == 2022
    assert latest_year([fixture_2020_2022 / "2020"]) == 2020
    (tmp_path / "trasig.xlsx").write_bytes(b"inte en arbetsbok")
    assert latest_year([tmp_path]) is None
