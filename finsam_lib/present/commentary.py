"""Commentary: factual Swedish sentences drafted from the figures, and the analyst's
own text read from a file keyed by indicator.

The analyst's file is Markdown (a heading per part) or YAML (a key per part)::

    # Sammanfattning                 sammanfattning: |
    Text …                             Text …
    # Indikator 1                    indikator 1: |
    Text …                             Text …

Keys: ``sammanfattning``, ``inledning``, ``insamling``, ``svarande``, ``indikator N``
(also ``N`` or ``indikator_N``), ``avslutande diskussion`` and ``förbehåll``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import mistune
import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.base import swedish as sv
from finsam_lib.base.errors import InputError
from finsam_lib.figures import uncertainty as unc
from finsam_lib.instrument import definition as ins

# Genitive phrases: "pågåendeenkätens fråga 1".
SURVEY_GENITIVE = ins.survey_words("genitive")
STABLE_PP = 2  # a change smaller than this (in pp) is "about the same level"


# --- The analyst's text ------------------------------------------------------------------------

def part_key(name) -> str:
    """Normalise a heading or key: ``Indikator 3`` / ``3`` / ``indikator_3`` -> ``indikator 3``."""
    text = " ".join(str(name).replace("_", " ").casefold().split())
    if re.fullmatch(r"\d+", text):
        return f"indikator {int(text)}"
    m = re.fullmatch(r"indikator\s*(\d+)(?:\s*[:.–-].*)?", text)
    if m:
        return f"indikator {int(m.group(1))}"
    return text


@dataclass
class Commentary:
    """The analyst's texts by part (normalised keys), Markdown each."""
    parts: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def text(self, key) -> str:
        return self.parts.get(part_key(key), "").strip()

    def html(self, key) -> str:
        text = self.text(key)
        return markdown_html(text) if text else ""

    def unknown_keys(self) -> list[str]:
        known = {"sammanfattning", "inledning", "insamling", "svarande", "avslutande diskussion",
                 "förbehåll"} | {f"indikator {i}" for i in ins.indicators()}
        return [k for k in self.parts if k not in known]


_MARKDOWN = mistune.create_markdown(escape=True)


def markdown_html(text: str) -> str:
    """The analyst's Markdown as HTML (raw HTML is escaped)."""
    return _MARKDOWN(text)


def parse_markdown(text: str) -> dict[str, str]:
    parts, key, lines = {}, None, []
    for line in text.splitlines():
        m = re.match(r"^#{1,3}\s+(.+?)\s*#*\s*$", line)
        if m:
            if key is not None:
                parts[key] = "\n".join(lines).strip()
            key, lines = part_key(m.group(1)), []
        elif key is not None:
            lines.append(line)
    if key is not None:
        parts[key] = "\n".join(lines).strip()
    return parts


def parse_yaml(text: str) -> dict[str, str]:
    import yaml

    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise InputError("Kommentarsfilen ska vara en lista med nycklar, t.ex. 'indikator 1: text'.")
    return {part_key(k): str(v).strip() for k, v in data.items() if v is not None}


def load(path: str | Path | None) -> Commentary:
    """Read an analyst's commentary file (.md or .yaml/.yml); no path gives none.

    Raises InputError (Swedish, naming the file; and line and column for YAML that can't be read)
    when the file is missing, is not YAML, or is not a list of keys."""
    if not path:
        return Commentary()
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Kommentarsfilen {path} finns inte.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"Kommentarsfilen {path} är inte sparad som UTF-8: spara den som UTF-8 (i Anteckningar: "
                         "Spara som > Kodning UTF-8).") from None
    if path.suffix.lower() not in (".yaml", ".yml"):
        return Commentary(parse_markdown(text), str(path))
    import yaml

    try:
        parts = parse_yaml(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (rad {mark.line + 1}, kolumn {mark.column + 1})" if mark is not None else ""
        raise InputError(f"Kommentarsfilen {path} går inte att läsa som YAML{where}: skriv en nyckel per rad, "
                         "t.ex. 'indikator 1: text', och sätt texten inom citattecken om den innehåller "
                         "[, ], {, } eller ett kolon.") from None
    except InputError as e:
        raise InputError(f"{path}: {e}") from None
    return Commentary(parts, str(path))


def template(year: int) -> str:
    """A commentary file to start from, one heading per part."""
    parts = ["# Sammanfattning", "", f"(Analytikerns sammanfattning av {year} års resultat.)", ""]
    for i in ins.measured_indicators():
        parts += [f"# Indikator {i}", "", ""]
    parts += ["# Avslutande diskussion", "", ""]
    return "\n".join(parts)


# --- Drafted facts --------------------------------------------------------------------------------

def measure_phrase(survey: str, question: int) -> str:
    return f"{SURVEY_GENITIVE.get(survey, survey.lower())} fråga {question}"


def group_phrase(survey: str, question: int, group: str) -> str:
    if group in ins.EMPLOYER_GROUPS:
        return f"remittenterna från {group}, fråga {question}"
    if group in ins.GENDER_GROUPS:
        return f"{group} i {measure_phrase(survey, question)}"
    return measure_phrase(survey, question)


def answer_phrase(key: str) -> str:
    return {"klart": "svarar klart positivt", "positiv": "svarar positivt", "ja": "svarar ja"}[key]


# uncertainty.changes' columns as :func:`changes` names them.
CHANGE_NAMES = {"nyckeltal_pct": "now", "nyckeltal_before_pct": "before", "change_pp": "change",
                "change_ci_low_pp": "low", "change_ci_high_pp": "high"}


def changes(dist: pd.DataFrame, indicator: int | None, year: int, previous: int,
            group: str = "samtliga", computed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Nyckeltal this year and the previous one per measure (both shown): survey, question,
    series, indicator, key, before, now, change (pp), low, high (its 95 % interval, whole pp) and
    verdict (ökning / minskning / ingen säker förändring; uncertainty.changes). ``computed``:
    uncertainty.changes of the whole ``dist`` already (a report's, once); picked from here."""
    if computed is not None:
        ch = computed[computed.group == group]
        ch = ch if indicator is None else ch[ch.indicator == indicator]
    else:
        d = dist if indicator is None else dist[dist.indicator == indicator]
        ch = unc.changes(d[d.group == group], year, previous)
    out = ch.rename(columns=CHANGE_NAMES)
    return out[["series", "survey", "question", "indicator", "key", "now", "before", "change", "low", "high",
                "verdict"]].astype({"now": float, "before": float, "change": float})


def change_sentence(ch: pd.DataFrame, previous: int) -> str:
    """One sentence per verdict: increased, decreased (each beyond chance, with the change's 95 %
    interval), and no sure change."""
    if ch.empty:
        return ""
    up = ch[ch.verdict == unc.INCREASE]
    down = ch[ch.verdict == unc.DECREASE]
    same = ch[ch.verdict == unc.UNSURE]

    def items(rows, show_change=True):
        out = []
        for r in rows.itertuples():
            if r.before == r.now:
                detail = f"{fmt.percent(r.now)} båda åren"
            else:
                detail = f"från {fmt.percent(r.before)} till {fmt.percent(r.now)}"
                if show_change:
                    detail += f", {fmt.pp(r.change)}"
                    if not fmt.missing(r.low):
                        detail += f", 95 % intervall {fmt.signed(r.low)} till {fmt.signed(r.high)}"
            out.append(f"{measure_phrase(r.survey, r.question)} ({detail})")
        return sv.format_list(out)

    sentences = []
    if len(up):
        sentences.append(f"Jämfört med {previous} har nyckeltalet ökat för {items(up)}.")
    if len(down):
        lead = f"Jämfört med {previous} har nyckeltalet" if not sentences else "Det har"
        sentences.append(f"{lead} minskat för {items(down)}.")
    if len(same):
        lead = f"Jämfört med {previous} är" if not sentences else "För övriga är"
        sentences.append(f"{lead} förändringen inte större än att den kan bero på slumpen "
                         f"({unc.UNSURE}): {items(same, show_change=False)}.")
    return " ".join(sentences)


def gender_gaps(dist: pd.DataFrame, year: int, indicator: int | None = None) -> pd.DataFrame:
    """Kvinnor vs män per measure this year (both shown): survey, question, indicator, key,
    kvinnor, män, gap (män − kvinnor)."""
    d = dist[(dist.year == year) & dist.group.isin(["kvinnor", "män"]) & dist.nyckeltal_pct.notna()]
    if indicator is not None:
        d = d[d.indicator == indicator]
    if d.empty:
        return pd.DataFrame(columns=["series", "survey", "question", "indicator", "key", "kvinnor", "män", "gap"])
    wide = d.pivot_table(index=["series", "survey", "question", "indicator", "key"], columns="group",
                         values="nyckeltal_pct").reset_index()
    wide = wide.dropna(subset=[c for c in ("kvinnor", "män") if c in wide.columns])
    if not {"kvinnor", "män"} <= set(wide.columns):
        return wide.iloc[0:0]
    wide["gap"] = wide["män"] - wide["kvinnor"]
    return wide


def gender_sentence(gaps: pd.DataFrame) -> str:
    if gaps.empty:
        return ""
    top = gaps.loc[gaps.gap.abs().idxmax()]
    if abs(top.gap) < STABLE_PP:
        return (f"Kvinnor och män svarar nästan likadant: skillnaden är högst "
                f"{fmt.pp_abs(gaps.gap.abs().max())}.")
    return (f"Störst skillnad mellan kvinnor och män finns i {measure_phrase(top.survey, int(top.question))}: "
            f"{fmt.percent(top.kvinnor)} av kvinnorna och {fmt.percent(top['män'])} av männen "
            f"{answer_phrase(top.key)}, en skillnad på {fmt.pp_abs(top.gap)}.")


def extremes(dist: pd.DataFrame, year: int, indicator: int) -> tuple | None:
    """The highest and lowest shown nyckeltal among the indicator's measures and employer groups."""
    d = dist[(dist.year == year) & (dist.indicator == indicator) & dist.nyckeltal_pct.notna()
             & ~dist.group.isin(list(ins.GENDER_GROUPS))]
    d = d[d.key != "ja"]
    if len(d) < 3:
        return None
    d = d.sort_values("nyckeltal_pct", kind="stable")
    return d.iloc[-1], d.iloc[0]


def extremes_sentence(dist: pd.DataFrame, year: int, indicator: int) -> str:
    found = extremes(dist, year, indicator)
    if not found:
        return ""
    high, low = found
    if high.nyckeltal_pct == low.nyckeltal_pct:
        return ""
    return (f"Högst är nyckeltalet för {group_phrase(high.survey, int(high.question), high.group)} "
            f"({fmt.percent(high.nyckeltal_pct)}) och lägst för "
            f"{group_phrase(low.survey, int(low.question), low.group)} ({fmt.percent(low.nyckeltal_pct)}).")


def verdict_sentence(trend: pd.DataFrame, indicator: int, previous: int) -> str:
    t = trend[trend.indicator == indicator].set_index("group")
    if "totalt" not in t.index:
        return ""
    r = t.loc["totalt"]
    measures = int(r.measures)
    what = ("förändringen i indikatorns enda mått är" if measures == 1 else
            f"förändringarna i {sv.count_phrase(measures, sv.MATT)} summerar till")
    text = (f"Sammanvägt bedöms utvecklingen jämfört med {previous} som ”{r.classification.lower()}”: "
            f"{what} {fmt.pp(r.sum_change_pp)}, och gränsen för en entydig förändring är "
            f"±{fmt.number(r.threshold_pp)} (2 procentenheter per mått).")
    split = [f"för {g} ”{t.at[g, 'classification'].lower()}” ({fmt.signed(t.at[g, 'sum_change_pp'])})"
             for g in ("kvinnor", "män") if g in t.index]
    if split:
        text += f" Bedömningen blir {sv.format_list(split)}."
    if "beyond_chance_up" in t.columns:
        up, down = int(r.beyond_chance_up), int(r.beyond_chance_down)
        if up or down:
            parts = ([f"{sv.number_word(up, sv.ETT)} ökat"] if up else []) + (
                [f"{sv.number_word(down, sv.ETT)} minskat"] if down else [])
            text += (f" Måttet har {parts[0].split()[1]} mer än slumpen kan förklara." if measures == 1 else
                     f" Av måtten har {sv.format_list(parts)} mer än slumpen kan förklara.")
        else:
            text += (" Måttet har inte ändrats mer än slumpen kan förklara." if measures == 1 else
                     " Inget av måtten har ändrats mer än slumpen kan förklara.")
    return text


def indicator_facts(dist: pd.DataFrame, indicator: int, year: int, previous: int | None,
                    trend: pd.DataFrame) -> list[str]:
    """Drafted sentences for one indicator's Kommentar till resultatet."""
    if indicator not in ins.measured_indicators():
        return [not_measured_text(indicator)]
    now = dist[(dist.year == year) & (dist.indicator == indicator)]
    if now.empty or now.nyckeltal_pct.isna().all():
        return [f"Indikatorns frågor har inga redovisade svar {year}."]
    sentences = []
    if previous is not None:
        ch = changes(dist, indicator, year, previous)
        sentence = change_sentence(ch, previous)
        sentences.append(sentence or f"Indikatorns mått har inga jämförbara svar från {previous}.")
    sentences.append(gender_sentence(gender_gaps(dist, year, indicator)))
    sentences.append(extremes_sentence(dist, year, indicator))
    if previous is not None:
        sentences.append(verdict_sentence(trend, indicator, previous))
    return [s for s in sentences if s]


def not_measured_text(indicator: int) -> str:
    text = ins.indicators()[indicator].text
    return (f"Indikator {indicator} ”{text.rstrip('.')}” mäts inte med enkäterna. Ambitionen är att mäta "
            "den med registerdata; en registerstudie är under utveckling.")


def development_tally(total: int, up: int, down: int, after: str = "", sure: bool = False) -> str:
    """How many of ``total`` indicators show each combined verdict, one sentence: ``Tre av åtta
    indikatorer visar en ökning jämfört med 2021, ingen visar en minskning och fem visar varken
    ökning eller minskning.`` ``sure``: the förbund report's words (en säker ökning, ingen säker
    förändring; uncertainty.development_verdict)."""
    adjective = "säker " if sure else ""
    neither = unc.UNSURE if sure else ins.NEITHER.lower()
    return sv.tally(total, [(up, f"visar en {adjective}ökning"), (down, f"visar en {adjective}minskning"),
                            (total - up - down, f"visar {neither}")], after_first=after, keep_zero=(1,))
