"""The answers and the figures for other tools: SPSS (.sav), Stata (.dta), Parquet and CSV.

:func:`answers_wide` turns a dataset into one row per respondent and one column per measure
(a question followed over questionnaire versions, instrument.questions' ``series``), plus
year, förbund, insats, survey, questionnaire version and kön/arbetsgivare; no free text (the
reader keeps none) and no way back to a questionnaire unless ``with_ids`` (file, sheet, row).
:func:`write` writes such a frame with its variable labels (the question text) and value
labels (the scale) where the format has them: SPSS and Stata through pyreadstat, Parquet with
the labels as JSON in the schema's metadata (key ``finsam``), CSV as codes only.

Variable names keep both tools' limits: ASCII letters, digits and _, at most 32 characters
(Stata; SPSS allows 64 bytes); labels at most 80 bytes in Stata files (cut with …), 255 in
SPSS files; value labels only on whole-number codes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from finsam_lib.base.errors import InputError
from finsam_lib.instrument import definition as ins

FORMATS = ("sav", "dta", "parquet", "csv")
SURVEY_CODES = ins.survey_words("export_code")
LABEL_LIMIT = {"dta": 80, "sav": 255}
FIGURE_LABELS = {
    "ar": "Mätår", "forbund": "Samordningsförbund (tom = riket)", "enkat": "Enkät", "fraga": "Frågans nummer",
    "indikator": "Indikator", "grupp": "Grupp (samtliga, kön, arbetsgivare)", "n": "Antal svar på frågan",
    "negativt_pct": "Negativa svar (%)", "varken_pct": "Varken eller (%)", "positivt_pct": "Positiva svar (%)",
    "klart_positivt_pct": "Klart positiva svar (%)", "nyckeltal_pct": "Nyckeltal (%)",
    "undertryckt": "Undertryckt: färre svar än minsta n (1 = ja)",
}


@dataclass
class Labelled:
    """A frame with its variable labels ({column: text}) and value labels ({column: {code: text}})."""
    frame: pd.DataFrame
    labels: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)


def variable_name(series: str) -> str:
    """A measure's column: 'Deltagare pågående|3' -> 'dp_f3'; a question asked only in an
    older version, 'Personal|9|2018' -> 'pe_f9_2018'."""
    survey, question, *version = series.split("|")
    return "_".join([SURVEY_CODES[survey], f"f{question}", *version])


def answers_wide(data, years=None, with_ids: bool = False) -> Labelled:
    """One row per respondent of ``years`` (None = all): ar, forbund, insats, enkat, enkatversion,
    kon, arbetsgivare ([fil, blad, rad] with ``with_ids``), then one column of answer codes per
    measure (blank = not answered or not asked). ``data``: a reader.Dataset."""
    resp = data.respondents
    if years is not None:
        resp = resp[resp.year.isin(list(years))]
    q = ins.questions()
    series = {(v, s, n): name for v, s, n, name in q[["version", "survey", "question", "series"]].itertuples(index=False)}
    answers = data.answers[data.answers.respondent.isin(resp.respondent)]
    version = resp.set_index("respondent")["version"]
    survey = resp.set_index("respondent")["survey"]
    cols = [variable_name(series[(int(v), s, int(n))]) for v, s, n in
            zip(version.reindex(answers.respondent).to_numpy(), survey.reindex(answers.respondent).to_numpy(),
                answers.question.to_numpy())]
    wide = (answers.assign(column=cols).pivot(index="respondent", columns="column", values="code")
            .reindex(resp.respondent))
    # Measures in instrument order: survey, then question, older-version-only ones after.
    codes = list(SURVEY_CODES.values())
    order = sorted(wide.columns, key=lambda c: (codes.index(c.split("_")[0]), len(c.split("_")), c.split("_")[2:],
                                                int(c.split("_")[1][1:])))
    base = pd.DataFrame({
        "ar": resp.year.astype("int64").to_numpy(),
        "forbund": resp.forbund.to_numpy(),
        "insats": resp.insats.to_numpy(),
        "enkat": resp.survey.to_numpy(),
        "enkatversion": resp.version.astype("int64").to_numpy(),
        "kon": resp.background.where(resp.survey.map(ins.BACKGROUND).eq("Kön")).astype("Float64").to_numpy(),
        "arbetsgivare": resp.background.where(resp.survey.map(ins.BACKGROUND).eq("Arbetsgivare"))
        .astype("Float64").to_numpy(),
    })
    if with_ids:
        base["fil"] = resp.file.map(lambda f: Path(f).name).to_numpy()
        base["blad"] = resp.sheet.to_numpy()
        base["rad"] = resp.row.astype("int64").to_numpy()
    frame = pd.concat([base, wide[order].astype("float64").reset_index(drop=True)], axis=1)
    frame = frame.sort_values(["ar", "forbund", "enkat"], kind="stable").reset_index(drop=True)
    for c in ("kon", "arbetsgivare"):
        frame[c] = frame[c].astype("float64")
    labels = {"ar": "Mätår", "forbund": "Samordningsförbund", "insats": "Insats", "enkat": "Enkät",
              "enkatversion": "Enkätversion", "kon": "Kön (deltagarenkäterna)",
              "arbetsgivare": "Arbetsgivare (remittentenkäten)", "fil": "Registreringsfil", "blad": "Blad",
              "rad": "Rad i bladet"}
    labels = {c: labels[c] for c in base.columns}
    values = {"kon": dict(ins.KON), "arbetsgivare": dict(ins.ARBETSGIVARE)}
    latest = q.sort_values("version").drop_duplicates("series", keep="last")
    for r in latest.itertuples():
        name = variable_name(r.series)
        if name in order:
            labels[name] = f"{r.survey} F{name.split('_')[1][1:]}: {r.text}"
            values[name] = dict(ins.SCALES[r.scale])
    return Labelled(frame, labels, values)


def figures_frame(results_list) -> Labelled:
    """The figures of ``finsam results`` (year.YearFigures.figures, one or more years) with
    Swedish labels and ASCII column names."""
    frames = [r.figures for r in results_list]
    f = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    f = f.rename(columns={"year": "ar", "survey": "enkat", "question": "fraga", "indicator": "indikator",
                          "group": "grupp", "suppressed": "undertryckt"})
    f["forbund"] = f["forbund"].fillna("").astype(str)
    f["undertryckt"] = f["undertryckt"].astype(bool).astype("int64")
    for c in f.columns:
        if c.endswith("_pct") or c.startswith("code_") or c == "n":
            f[c] = pd.to_numeric(f[c], errors="coerce").astype("float64")
    labels = {c: FIGURE_LABELS.get(c, f"Antal svar med kod {c[5:]}" if c.startswith("code_") else c) for c in f.columns}
    return Labelled(f.reset_index(drop=True), labels, {"undertryckt": {0: "Nej", 1: "Ja"}})


def _cut(text: str, limit: int) -> str:
    """At most ``limit`` UTF-8 bytes, ending in … when cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    while len((text + "…").encode("utf-8")) > limit:
        text = text[:-1]
    return text.rstrip() + "…"


def write(table: Labelled, path: str | Path, fmt: str, note: str = "") -> Path:
    """Write a labelled frame as ``fmt`` (sav, dta, parquet or csv)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = table.frame
    if fmt in ("sav", "dta"):
        import pyreadstat

        limit = LABEL_LIMIT[fmt]
        labels = {c: _cut(table.labels.get(c, c), limit) for c in frame.columns}
        values = {c: {int(k): _cut(v, limit) for k, v in codes.items()}
                  for c, codes in table.values.items() if c in frame.columns}
        if fmt == "sav":
            pyreadstat.write_sav(frame, str(path), column_labels=labels, variable_value_labels=values,
                                 note=note or None, file_label=_cut(note, 64))
        else:
            pyreadstat.write_dta(frame, str(path), column_labels=labels, variable_value_labels=values,
                                 file_label=_cut(note, 80), version=15)
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        meta = {**(arrow.schema.metadata or {}), b"finsam": json.dumps(
            {"note": note, "labels": table.labels,
             "values": {c: {str(k): v for k, v in codes.items()} for c, codes in table.values.items()}},
            ensure_ascii=False).encode("utf-8")}
        pq.write_table(arrow.replace_schema_metadata(meta), path)
    elif fmt == "csv":
        frame.to_csv(path, index=False, encoding="utf-8")
    else:
        raise InputError(f"Okänt format {fmt}; välj bland {', '.join(FORMATS)}.")
    return path


def figures_path(path: str | Path) -> Path:
    """Where the figures go beside the answers: svar.sav -> svar-resultat.sav."""
    path = Path(path)
    return path.with_name(f"{path.stem}-resultat{path.suffix}")
