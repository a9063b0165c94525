"""The one base of every error finsam raises on purpose.

A :class:`FinsamError` carries a message in Swedish written for the person who runs finsam
(naming file, sheet and cell where there is one) and the exit code the command line returns
for it. The command line catches ``FinsamError`` once (``apps/cli.py: main``) and prints the
message; everything else is a bug and keeps its traceback.

Subclasses also derive from the built-in exception they used to be (``ValueError``,
``LookupError``, ``RuntimeError``), so that code catching those still catches them.
"""
from __future__ import annotations


class FinsamError(Exception):
    """An error with a Swedish message for the user; ``code`` is the command line's exit code
    (1, or 2 for a usage error such as an unknown option value or förbund)."""

    code: int = 1

    def __init__(self, message: str = "", code: int | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code


class InputError(FinsamError, ValueError):
    """What the user gave can't be used: an option's value, or a file the user wrote (a
    commentary file, say). The message names it and says how to put it right."""
