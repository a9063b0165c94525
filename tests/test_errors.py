"""One exception base: every error class finsam defines derives from FinsamError, whose
Swedish message the command line prints (with its exit code) instead of a traceback."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import finsam_lib
from finsam_lib.apps import cli, commands
from finsam_lib.base.errors import FinsamError
from finsam_lib.registration.names import UnknownForbund


def finsam_modules():
    for info in pkgutil.walk_packages(finsam_lib.__path__, "finsam_lib."):
        yield importlib.import_module(info.name)


def test_every_exception_class_derives_from_finsam_error():
    classes = {(m.__name__, name): obj for m in finsam_modules() for name, obj in vars(m).items()
               if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == m.__name__}
    assert len(classes) >= 7, sorted(classes)  # FinsamError and at least the six of issue 12
    stray = sorted(f"{mod}.{name}" for (mod, name), cls in classes.items() if not issubclass(cls, FinsamError))
    assert not stray, f"derive these from finsam_lib.base.errors.FinsamError: {stray}"


def test_subclasses_keep_their_builtin_base():
    """Callers that caught the built-in exception still catch the error."""
    with pytest.raises(LookupError, match="finns inte i data"):
        raise UnknownForbund("Förbundet 'X' finns inte i data.")


def test_the_command_line_prints_the_message_and_returns_the_code(monkeypatch, capsys):
    def fails(args):
        raise UnknownForbund("Förbundet 'Ingenstans' finns inte i data.")

    monkeypatch.setattr(commands, "cmd_verify", fails)
    code = cli.main(["verify", "x", "--data", "y"])
    assert code == 2
    assert capsys.readouterr().err.strip() == "Förbundet 'Ingenstans' finns inte i data."


def test_default_exit_code_is_one(monkeypatch, capsys):
    def fails(args):
        raise FinsamError("Något gick fel i filen a.xlsx, bladet Uppgifter, cell B2.")

    monkeypatch.setattr(commands, "cmd_verify", fails)
    assert cli.main(["verify", "x", "--data", "y"]) == 1
    assert "cell B2" in capsys.readouterr().err
