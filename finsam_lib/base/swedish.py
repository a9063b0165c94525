"""Swedish grammar for drafted sentences: counts in words, singular and plural, en/ett,
"ingen/inget/inga", "sju av åtta" and list joins.

Every sentence template that is filled with numbers or lists goes through these helpers,
so that "1 indikatorer", "en en minskning" or "noll av åtta" cannot be written. Style
(Språkrådet, *Svenska skrivregler*): counts 0–12 in running text as words, 13 and more
as digits (``format.number``), each number on its own: ``åtta av 15 indikatorer``.
Pure functions over ints and strings.
"""
from __future__ import annotations

from dataclasses import dataclass

from babel.lists import format_list as _babel_list

from finsam_lib.base import format as fmt

EN, ETT = "en", "ett"  # grammatical gender: utrum (en indikator), neutrum (ett mått)
WORDS = ["noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"]


@dataclass(frozen=True)
class Noun:
    """A count noun's forms: indefinite singular and plural, definite plural, gender."""
    singular: str
    plural: str
    definite_plural: str
    gender: str = EN


INDIKATOR = Noun("indikator", "indikatorer", "indikatorerna")
MATT = Noun("mått", "mått", "måtten", ETT)
FRAGA = Noun("fråga", "frågor", "frågorna")
ENKAT = Noun("enkät", "enkäter", "enkäterna")
RESPONDENTGRUPP = Noun("respondentgrupp", "respondentgrupper", "respondentgrupperna")
FORBUND = Noun("förbund", "förbund", "förbunden", ETT)
SAMORDNINGSFORBUND = Noun("samordningsförbund", "samordningsförbund", "samordningsförbunden", ETT)
PROCENTENHET = Noun("procentenhet", "procentenheter", "procentenheterna")


def number_word(n: int, gender: str = EN) -> str:
    """A count as running text writes it: 0–12 in words (1 -> ``en``/``ett`` by gender),
    13 and more in digits (``1 650``)."""
    n = int(n)
    if 0 <= n < len(WORDS):
        return ETT if n == 1 and gender == ETT else WORDS[n]
    return fmt.number(n)


def none_word(gender: str = EN, plural: bool = False) -> str:
    """``ingen`` (en-word), ``inget`` (ett-word), ``inga`` (plural)."""
    return "inga" if plural else "inget" if gender == ETT else "ingen"


def count_phrase(n: int, singular: str | Noun, plural: str | None = None, gender: str = EN,
                 words: bool = True, zero: bool = False) -> str:
    """A count with its noun in the right number: ``en indikator``, ``ett mått``, ``sju
    indikatorer``, ``13 förbund``; ``words=False`` keeps digits (``1 indikator``, for labels);
    ``zero=True`` writes 0 as ``inga indikatorer`` instead of ``noll indikatorer``."""
    if isinstance(singular, Noun):
        singular, plural, gender = singular.singular, singular.plural, singular.gender
    n = int(n)
    noun = singular if n == 1 else plural
    if n == 0 and zero:
        return f"{none_word(plural=True)} {noun}"
    return f"{number_word(n, gender) if words else fmt.number(n)} {noun}"


def of_phrase(k: int, n: int, noun: Noun) -> str:
    """``k`` of ``n``: ``sju av åtta indikatorer``, ``ett av tre mått``, ``tre av 15 indikatorer``,
    ``ingen av de åtta indikatorerna``, ``båda indikatorerna``, ``alla tre indikatorer``; with ``n`` = 1: ``den enda
    indikatorn`` is not formed: ``en indikator`` / ``ingen indikator``."""
    k, n = int(k), int(n)
    if n == 1:
        return f"{none_word(noun.gender) if k == 0 else number_word(1, noun.gender)} {noun.singular}"
    if k == 0:
        return f"{none_word(noun.gender)} av de {number_word(n)} {noun.definite_plural}"
    if k == n == 2:
        return f"båda {noun.definite_plural}"
    if k == n:
        return f"alla {number_word(n)} {noun.plural}"
    return f"{number_word(k, noun.gender)} av {number_word(n)} {noun.plural}"


def pronoun_count(k: int, gender: str = EN) -> str:
    """A count standing for a noun already named: ``ingen``/``inget``, ``en``/``ett``, ``tre``."""
    return none_word(gender) if int(k) == 0 else number_word(k, gender)


def format_list(items, locale: str = "sv", style: str = "standard") -> str:
    """``['a', 'b', 'c']`` -> ``a, b och c`` (``style='or'``: ``a, b eller c``); CLDR list
    patterns via Babel. No items give ``''``."""
    items = [str(i) for i in items]
    return _babel_list(items, style=style, locale=locale) if items else ""


def numbered(noun: Noun, numbers) -> str:
    """``indikator 4`` / ``indikatorerna 1, 4 och 7``."""
    numbers = [str(x) for x in numbers]
    return f"{noun.singular if len(numbers) == 1 else noun.definite_plural} {format_list(numbers)}"


def capitalize(text: str) -> str:
    """The first letter upper-case, the rest unchanged (``str.capitalize`` lowers the rest)."""
    return text[:1].upper() + text[1:]


def tally(total: int, counts: list[tuple[int, str]], noun: Noun = INDIKATOR, after_first: str = "",
          keep_zero: tuple[int, ...] = ()) -> str:
    """One sentence counting ``total`` things by outcome: ``Tre av åtta indikatorer visar en ökning
    jämfört med 2021, en visar en minskning och fyra visar varken ökning eller minskning.``

    ``counts``: (count, predicate: its verb, a space, the rest) in order; the first is always said, later ones
    only when non-zero or listed in ``keep_zero`` (indexes: ``ingen visar en minskning``).
    ``after_first``: words after the first predicate (`` jämfört med 2021``)."""
    first_k, first_pred = counts[0]
    subject = of_phrase(first_k, total, noun)
    if subject[:1].isdigit():  # no sentence starts with digits: "Av 15 indikatorer visar 13 …"
        verb, rest = first_pred.split(" ", 1)
        subject, first_pred = f"av {number_word(total)} {noun.plural} {verb} {number_word(first_k)}", rest
    clauses = [f"{subject} {first_pred}{after_first}"]
    for i, (k, pred) in enumerate(counts[1:], 1):
        if k or i in keep_zero:
            clauses.append(f"{pronoun_count(k, noun.gender)} {pred}")
    return capitalize(format_list(clauses)) + "."
