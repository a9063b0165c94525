"""Forgiving förbund names: matching what a user typed, and safe file names."""
from __future__ import annotations

import difflib
import hashlib
import re

from finsam_lib.base.errors import FinsamError
from finsam_lib.registration.cells import nfc, norm


class UnknownForbund(FinsamError, LookupError):
    """A förbund name that matches none in the data (Swedish message with the closest names);
    a usage error on the command line (exit code 2)."""

    code = 2


def _key(name: str) -> str:
    """'Degerfors/Karlskoga' and 'degerfors karlskoga' give the same key."""
    return norm(re.sub(r"[^\w]+", " ", nfc(str(name))))  # NFC first: a combining ring is not \w


def match_forbund(typed: str, names) -> str:
    """The förbund a user meant: case, spaces and å/ä/ö typed as a/o do not matter.

    Raises UnknownForbund with a Swedish message suggesting the closest names.
    """
    names = sorted(set(names), key=str.casefold)
    by_key = {_key(n): n for n in names}
    key = _key(typed)
    if key in by_key:
        return by_key[key]
    starts = [n for k, n in by_key.items() if k.startswith(key) or f" {key} " in f" {k} "]
    if len(starts) == 1:
        return starts[0]
    close = difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.5)
    hint = (" Menade du " + " eller ".join(f"'{by_key[c]}'" for c in close) + "?") if close else ""
    raise UnknownForbund(f"Förbundet '{typed}' finns inte i data.{hint}")


MAX_NAME_BYTES = 100  # of a file name made from a name, in UTF-8 (file systems allow 255)


def safe_filename(name: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name that works on Windows and in URLs: 'Degerfors/Karlskoga' -> 'Degerfors-Karlskoga'.

    Unicode NFC. A name longer than ``max_bytes`` (UTF-8) is cut and ends with 8 hex digits of
    its SHA-1, so that two long names with the same beginning still give two files.
    """
    text = re.sub(r"[\\/:*?\"<>|,()=+@'`\x00-\x1f]+", "-", nfc(str(name)))
    text = re.sub(r"\s+", "_", text.strip())
    text = re.sub(r"[-_]{2,}", lambda m: "-" if "-" in m.group() else "_", text)
    text = text.strip("-_.") or "forbund"
    if len(text.encode()) > max_bytes:
        digest = hashlib.sha1(text.encode()).hexdigest()[:8]
        cut = text.encode()[:max_bytes - 9].decode("utf-8", "ignore").rstrip("-_.")
        text = f"{cut}-{digest}"
    return text
