"""The reader against the input contract (shared/spec/registration-file.md).

Workbooks are built cell by cell with openpyxl, so that the untidiness of
hand-typed files (codes as text, floats, stray spaces, empty rows ...) can be
crafted exactly. Each test checks behaviour: what is read, and which problems
are reported where.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import write_book

from finsam_lib.registration.reader import read_paths

YEAR = 2022
FORBUND = "Testförbundet"
POP_HEADER = ["Enkät", "Insats", "Målpopulation", "Tillfrågade", "Tackat nej", "Ej nåbara"]


def fq(n: int, form: str = "F{}") -> list[str]:
    """F-column headers F1..Fn (or another form, e.g. 'Fråga {}')."""
    return [form.format(q) for q in range(1, n + 1)]


def uppgifter(forbund=FORBUND, year=YEAR, version=None) -> list[list]:
    rows = [["Samordningsförbund", forbund], ["Mätår", year]]
    if version is not None:
        rows.append(["Enkätversion", version])
    return rows


def registration(path: Path, surveys: dict[str, list[list]], population=None, info=None,
                 extra: dict | None = None) -> Path:
    """A registration workbook: Uppgifter, Population (one row per survey, Tillfrågade 100,
    unless given) and the survey sheets (each a header row followed by answer rows)."""
    if population is None:
        population = [[s, None, 200, 100] for s in surveys]
    sheets = {"Uppgifter": info if info is not None else uppgifter()}
    sheets["Population"] = [POP_HEADER, *population]
    sheets.update(surveys)
    sheets.update(extra or {})
    return write_book(path, sheets)


def personal(*rows) -> list[list]:
    """A Personal sheet (2021: F1-F11) with a Löpnr column; each row gives F1.. codes."""
    return [["Löpnr", *fq(11)], *[[i, *r] for i, r in enumerate(rows, 1)]]


def problems_of(data, level=None) -> list[str]:
    return [str(p) for p in data.problems if level is None or p.level == level]


def errors(data) -> list[str]:
    return problems_of(data, "fel")


def warnings(data) -> list[str]:
    return problems_of(data, "varning")


def the_one(messages: list[str], *parts: str) -> str:
    """The single message containing every part (a readable failure otherwise)."""
    hits = [m for m in messages if all(p in m for p in parts)]
    assert len(hits) == 1, f"expected one message with {parts}, got {hits or messages}"
    return hits[0]


def codes(data, survey=None) -> list[tuple[int, int, int]]:
    """(row, question, code) of every answer read, in sheet order."""
    t = data.answers.merge(data.respondents[["respondent", "survey", "row"]], on="respondent")
    if survey is not None:
        t = t[t.survey == survey]
    return sorted(zip(t.row.tolist(), t.question.tolist(), t.code.tolist()))


def totals(data) -> dict:
    """{(file name, survey): (rows read, responses, empty rows)}."""
    return {(Path(r.file).name, r.survey): (r.rows_read, r.responses, r.empty_rows)
            for r in data.sheets.itertuples()}


# --- A tidy file -------------------------------------------------------------------------------

def test_tidy_file_is_read_without_problems(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Deltagare pågående": [["Löpnr", "Insats", "Kön", *fq(7)],
                               [1, "Steget", 1, 6, 5, 4, 3, 2, 1, 6],
                               [2, "Steget", 2, 1, 1, 1, 1, 1, 1, 1]],
        "Personal": personal([4] * 11),
    })
    data = read_paths([tmp_path])
    assert data.problems == []
    assert len(data.respondents) == 3
    assert set(data.respondents.forbund) == {FORBUND}
    assert set(data.respondents.year) == {YEAR}
    assert set(data.respondents.version) == {2021}
    assert codes(data, "Deltagare pågående")[:7] == [(2, q, c) for q, c in zip(range(1, 8), [6, 5, 4, 3, 2, 1, 6])]
    assert sorted(data.respondents.background.dropna().tolist()) == [1, 2]
    assert set(data.respondents.insats) == {"Steget", ""}
    assert len(data.answers) == 7 + 7 + 11
    assert data.population.tillfragade.tolist() == [100, 100]


# --- Untidiness that is accepted ---------------------------------------------------------------

def test_codes_stored_as_text_and_whole_floats_are_read_as_codes(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Personal": personal(["5", 5.0, " 4 ", "3.0", 2.0, "6", 1, None, None, None, "1"]),
    }, population=[["Personal", None, "40", 20.0]])
    data = read_paths([tmp_path])
    assert data.problems == []
    assert codes(data) == [(2, 1, 5), (2, 2, 5), (2, 3, 4), (2, 4, 3), (2, 5, 2), (2, 6, 6), (2, 7, 1),
                           (2, 11, 1)]
    assert data.answers.code.dtype == "int64"
    assert data.population.malpopulation.tolist() == [40]
    assert data.population.tillfragade.tolist() == [20]


def test_trailing_spaces_in_sheet_names_headers_and_labels(tmp_path):
    write_book(tmp_path / "a.xlsx", {
        "Uppgifter ": [["Samordningsförbund ", FORBUND + " "], ["Mätår  ", YEAR]],
        " Population ": [["Enkät ", "Insats ", "Målpopulation ", "Tillfrågade "],
                         ["Deltagare pågående ", None, 50, 10]],
        "Deltagare pågående  ": [["Löpnr ", "Kön ", *[f"F{q} " for q in range(1, 8)]],
                                 [1, 2, *[3] * 7]],
    })
    data = read_paths([tmp_path])
    assert data.problems == []
    assert data.respondents.forbund.tolist() == [FORBUND]
    assert data.respondents.survey.tolist() == ["Deltagare pågående"]
    assert data.respondents.background.tolist() == [2]
    assert codes(data) == [(2, q, 3) for q in range(1, 8)]
    assert data.population.survey.tolist() == ["Deltagare pågående"]


def test_sheet_names_are_case_insensitive(tmp_path):
    registration(tmp_path / "a.xlsx", {"PERSONAL": personal([5] * 11)})
    data = read_paths([tmp_path])
    assert data.problems == []
    assert data.respondents.survey.tolist() == ["Personal"]


def test_empty_rows_are_counted_per_file_and_survey(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Personal": [["Löpnr", *fq(11)],
                     [1, *[5] * 11],
                     [],                     # a blank row
                     [3, *[4] * 11],
                     [4],                    # Löpnr but nothing answered
                     [None, *[" "] * 11],    # only spaces
                     [6, 1]],
        "Styrelse": [["F1", "F2", "F3", "F4", "F5"], [], [], [6, 6, 6, 6, 6]],
    })
    registration(tmp_path / "b.xlsx", {"Personal": personal([2] * 11, [None] * 11, [3] * 11)},
                 info=uppgifter("Annat förbund"))
    data = read_paths([tmp_path])
    assert data.errors == []
    assert totals(data) == {
        ("a.xlsx", "Personal"): (6, 3, 3),
        ("a.xlsx", "Styrelse"): (3, 1, 2),
        ("b.xlsx", "Personal"): (3, 2, 1),
    }
    assert len(data.respondents) == 6
    assert (data.sheets.rows_read == data.sheets.responses + data.sheets.empty_rows).all()
    # Row numbers are Excel's, blank rows included.
    assert sorted(data.respondents.loc[data.respondents.file.str.endswith("a.xlsx")
                                       & (data.respondents.survey == "Personal"), "row"]) == [2, 4, 7]


def test_extra_columns_are_ignored_and_free_text_never_read(tmp_path):
    secret = "Min handläggare heter Kalle"
    registration(tmp_path / "a.xlsx", {
        "Deltagare pågående": [["Löpnr", "Datum", "Kön", *fq(7), "Kommentar", "Fråga 8 fritext"],
                               [1, "2022-03-01", 1, *[5] * 7, "inmatad av Eva", secret],
                               [2, None, 2, *[4] * 7, None, "bra"]],
    })
    data = read_paths([tmp_path])
    assert data.problems == []
    assert len(data.respondents) == 2
    assert sorted(set(data.answers.question)) == list(range(1, 8))
    frames = [data.answers, data.respondents, data.population, data.sheets, data.tidy]
    for frame in frames:
        text = frame.astype(str).to_csv()
        assert secret not in text and "inmatad av Eva" not in text


@pytest.mark.parametrize("form", ["F{}", "F {}", "f{}", "Fråga {}", "fråga{}", "FRÅGA  {}", "Fraga {}"])
def test_question_headers_written_in_other_ways(tmp_path, form):
    registration(tmp_path / "a.xlsx", {
        "Styrelse": [["Löpnr", *fq(5, form)], [1, 1, 2, 3, 4, 5]],
    })
    data = read_paths([tmp_path])
    assert data.problems == []
    assert codes(data) == [(2, 1, 1), (2, 2, 2), (2, 3, 3), (2, 4, 4), (2, 5, 5)]


def test_question_columns_in_any_order(tmp_path):
    registration(tmp_path / "a.xlsx", {"Styrelse": [["F5", "F4", "F3", "F2", "F1"], [1, 2, 3, 4, 5]]})
    data = read_paths([tmp_path])
    assert data.problems == []
    assert codes(data) == [(2, 1, 5), (2, 2, 4), (2, 3, 3), (2, 4, 2), (2, 5, 1)]


def test_blank_kon_is_read_as_4(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Deltagare avslut": [["Löpnr", "Kön", *fq(10)],
                             [1, None, *[5] * 7, 1, 5, 5],
                             [2, "3", *[5] * 7, 1, 5, 5],
                             [3, 4.0, *[5] * 7, 1, 5, 5],
                             [4, "  ", *[5] * 7, 1, 5, 5]],
    })
    data = read_paths([tmp_path])
    assert data.problems == []
    assert data.respondents.sort_values("row").background.tolist() == [4, 3, 4, 4]


def test_blank_arbetsgivare_is_not_stated(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Remittenter": [["Löpnr", "Arbetsgivare", *fq(4)],
                        [1, None, 5, 5, 5, 5],
                        [2, "2", 4, 4, 4, 4],
                        [3, 5, 3, 3, 3, 3]],
    }, population=[["Remittenter", None, None, 10]])
    data = read_paths([tmp_path])
    assert data.problems == []
    bg = data.respondents.sort_values("row").background
    assert bg.isna().tolist() == [True, False, False]
    assert bg.dropna().tolist() == [2, 5]
    assert len(data.answers) == 12
    assert data.population.malpopulation.isna().all()


def test_uppgifter_labels_in_any_order_with_extra_labels(tmp_path):
    info = [["Kontaktperson", "Eva Ek"],
            [],
            ["Mätår", "2022"],
            ["Kommentar", "Inmatat i november"],
            ["Enkätversion", None],
            ["samordningsförbund", "  Finsam   Mitt  "],
            ["Telefon", 123]]
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)}, info=info)
    data = read_paths([tmp_path])
    assert data.problems == []
    assert data.respondents.forbund.tolist() == ["Finsam Mitt"]
    assert data.respondents.year.tolist() == [2022]
    assert data.respondents.version.tolist() == [2021]


@pytest.mark.parametrize("year, version", [(2015, 2017), (2017, 2017), (2018, 2018), (2020, 2018),
                                           (2021, 2021), (2024, 2021)])
def test_enkatversion_defaults_by_year(tmp_path, year, version):
    # Deltagare pågående has F1-F7 in every version; code 1 is valid on every scale.
    registration(tmp_path / "a.xlsx", {"Deltagare pågående": [["Kön", *fq(7)], [1, *[1] * 7]]},
                 info=uppgifter(year=year))
    data = read_paths([tmp_path])
    assert data.problems == []
    assert data.respondents.version.tolist() == [version]
    assert data.respondents.year.tolist() == [year]


def test_given_enkatversion_overrides_the_default(tmp_path):
    # 2019 would default to 2018, where Personal has only F1-F9.
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)},
                 info=uppgifter(year=2019, version="2021"))
    data = read_paths([tmp_path])
    assert data.problems == []
    assert data.respondents.version.tolist() == [2021]
    assert len(data.answers) == 11


def test_forbund_split_over_workbooks_one_per_insats(tmp_path):
    folder = tmp_path / "2022"
    for insats, code in (("Steget", 5), ("Nya vägar", 3)):
        registration(folder / f"{insats}.xlsx", {
            "Deltagare pågående": [["Insats", "Kön", *fq(7)], [insats, 1, *[code] * 7], [insats, 2, *[code] * 7]],
        }, population=[["Deltagare pågående", insats, 20, 10]])
    registration(folder / "styrelse.xlsx", {"Styrelse": [fq(5), [6] * 5]},
                 info=uppgifter(FORBUND.upper()))  # the name typed differently is the same förbund
    data = read_paths([folder])
    assert data.problems == []
    assert len(data.files) == 3
    assert set(data.respondents.forbund) == {FORBUND}
    assert data.respondents.groupby("insats").size().to_dict() == {"": 1, "Nya vägar": 2, "Steget": 2}
    assert sorted(data.population.insats) == ["", "Nya vägar", "Steget"]
    assert len(data.tidy) == 4 * 7 + 5


def test_forbund_split_by_survey_is_not_an_overlap(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)})
    registration(tmp_path / "b.xlsx", {"Styrelse": [fq(5), [6] * 5]})
    data = read_paths([tmp_path])
    assert data.problems == []
    assert len(data.respondents) == 2


def test_extra_sheets_are_named_in_a_warning(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)}, extra={
        "Instruktioner": [["Så här fyller du i registreringsfilen"], ["Skriv en rad per enkät."]],
        "Pivot": [["Fråga", "Antal"], ["F1", 10], ["F2", 8]],
        "Blad3": [],
    })
    data = read_paths([tmp_path])
    assert data.errors == []
    assert len(data.respondents) == 1
    for sheet in ("Instruktioner", "Pivot", "Blad3"):
        message = the_one(warnings(data), f"'{sheet}'")
        assert "a.xlsx" in message and "läses inte" in message


def test_an_unused_survey_may_have_an_empty_sheet_or_only_a_header(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11), "Styrelse": [],
                                       "Remittenter": [["Löpnr", "Arbetsgivare", *fq(4)]]})
    data = read_paths([tmp_path])
    assert data.problems == []
    assert len(data.respondents) == 1


# --- Errors ------------------------------------------------------------------------------------

def test_code_outside_a_six_point_scale(tmp_path):
    # Personal: Löpnr in A, F1 in B ... F3 in D. Row 14 holds the 13th questionnaire.
    rows = [[5] * 11] * 12 + [[5, 5, 7, *[5] * 8]]
    registration(tmp_path / "a.xlsx", {"Personal": personal(*rows)})
    data = read_paths([tmp_path])
    message = the_one(errors(data), "Personal!D14")
    assert "a.xlsx" in message
    assert "7" in message and "fråga 3" in message
    assert "1 Aldrig" in message and "6 Alltid" in message  # what was expected
    assert len(data.errors) == 1


def test_code_outside_the_ja_nej_scale(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Deltagare avslut": [["Löpnr", "Kön", *fq(10)],
                             [1, 1, *[5] * 7, 3, 5, 5]],   # F8 (ja/nej) is column J
    })
    data = read_paths([tmp_path])
    message = the_one(errors(data), "Deltagare avslut!J2")
    assert "a.xlsx" in message and "fråga 8" in message
    assert "1 Ja, 2 Nej" in message


def test_zero_and_negative_codes_are_outside_the_scale(tmp_path):
    registration(tmp_path / "a.xlsx", {"Styrelse": [fq(5), [0, -1, "6", 6, 6]]})
    data = read_paths([tmp_path])
    assert len(data.errors) == 2
    the_one(errors(data), "Styrelse!A2", "Svarskoden 0")
    the_one(errors(data), "Styrelse!B2", "Svarskoden -1")


@pytest.mark.parametrize("value, shown", [("fem", "'fem' är inte ett tal"), ("4,5", "'4,5' är inte ett heltal"),
                                          (4.5, "4,5 är inte ett heltal"), ("x", "'x' är inte ett tal"),
                                          (True, "är inte ett tal")])
def test_non_number_in_an_answer_cell(tmp_path, value, shown):
    registration(tmp_path / "a.xlsx", {"Styrelse": [["Löpnr", *fq(5)], [1, 5, 5, value, 5, 5]]})
    data = read_paths([tmp_path])
    message = the_one(errors(data), "Styrelse!D2")
    assert "a.xlsx" in message and shown in message
    assert "fråga 3" in message and "svarskod" in message


def test_unknown_kon_code(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Deltagare pågående": [["Löpnr", "Insats", "Kön", *fq(7)],
                               [1, None, 5, *[5] * 7],
                               [2, None, "K", *[5] * 7]],
    })
    data = read_paths([tmp_path])
    assert len(data.errors) == 2
    m = the_one(errors(data), "Deltagare pågående!C2")
    assert "a.xlsx" in m and "Okänd kod 5" in m and "Kön" in m and "1 Kvinna" in m and "4 Enkät utan" in m
    m = the_one(errors(data), "Deltagare pågående!C3")
    assert "'K' är inte ett tal" in m and "1 Kvinna" in m


def test_unknown_arbetsgivare_code(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Remittenter": [["Arbetsgivare", *fq(4)], [6, 5, 5, 5, 5]],
    }, population=[["Remittenter", None, None, 10]])
    data = read_paths([tmp_path])
    m = the_one(errors(data), "Remittenter!A2")
    assert "a.xlsx" in m and "Okänd kod 6" in m and "Arbetsgivare" in m and "1 Arbetsförmedlingen" in m


def test_more_question_columns_than_the_version_has(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Personal": [["Löpnr", *fq(12)], [1, *[5] * 12]],                 # 2021: F1-F11
    })
    registration(tmp_path / "b.xlsx", {"Styrelse": [fq(4), [5] * 4]},     # 2018: F1-F3
                 info=uppgifter("Annat förbund", year=2019))
    data = read_paths([tmp_path])
    m = the_one(errors(data), "a.xlsx", "Personal!M1")
    assert "F12" in m and "F1–F11" in m and "2021" in m
    m = the_one(errors(data), "b.xlsx", "Styrelse!D1")
    assert "F4" in m and "F1–F3" in m and "2018" in m
    assert len(data.errors) == 2


def test_survey_sheet_not_in_the_version(tmp_path):
    registration(tmp_path / "a.xlsx", {"Remittenter": [["Arbetsgivare", *fq(4)], [1, 5, 5, 5, 5]]},
                 info=uppgifter(year=2019))
    data = read_paths([tmp_path])
    m = the_one(errors(data), "a.xlsx", "Remittenter!B1")
    assert "Remittenter" in m and "2018" in m


@pytest.mark.parametrize("sheet, suggestion", [("Deltagare pagaende", "Deltagare pågående"),
                                               ("Deltagare pågånde", "Deltagare pågående"),
                                               ("Enkät personal", None)])
def test_sheet_with_answer_columns_and_an_unknown_name(tmp_path, sheet, suggestion):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)}, extra={
        sheet: [["Löpnr", "Kön", *fq(7)], [1, 1, *[5] * 7], [2, 2, *[4] * 7]],
    })
    data = read_paths([tmp_path])
    m = the_one(errors(data), f"'{sheet}'")
    assert "a.xlsx" in m and f"{sheet}!C1" in m
    assert "Deltagare pågående, Deltagare avslut, Personal" in m  # what was expected
    if suggestion:
        assert f"Menade du '{suggestion}'?" in m
    # Never skipped silently, and nothing from it counted as answers.
    assert data.respondents.survey.tolist() == ["Personal"]


def test_survey_sheet_with_rows_but_no_question_columns(tmp_path):
    registration(tmp_path / "a.xlsx", {"Styrelse": [["Löpnr", "Fr1", "Fr2"], [1, 5, 5], [2, 4, 4]]})
    data = read_paths([tmp_path])
    m = the_one(errors(data), "a.xlsx", "Styrelse!A1")
    assert "F1, F2" in m and "2 rader" in m


def test_missing_uppgifter_sheet(tmp_path):
    write_book(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)})
    data = read_paths([tmp_path])
    m = the_one(errors(data), "a.xlsx", "'Uppgifter' saknas")
    assert "Samordningsförbund" in m and "Mätår" in m
    assert data.respondents.empty


def test_missing_matar_label(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)},
                 info=[["Samordningsförbund", FORBUND]])
    data = read_paths([tmp_path])
    m = the_one(errors(data), "a.xlsx", "Uppgifter", "'Mätår' saknas")
    assert "kolumn B" in m
    assert data.respondents.empty


@pytest.mark.parametrize("value, text", [(None, "Mätår saknas"), ("2022/23", "'2022/23'"), (22, "'22'")])
def test_matar_blank_or_not_a_year(tmp_path, value, text):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)},
                 info=[["Samordningsförbund", FORBUND], ["Mätår", value]])
    data = read_paths([tmp_path])
    m = the_one(errors(data), "a.xlsx", "Uppgifter!B2")
    assert text in m
    assert data.respondents.empty


def test_missing_forbund_name(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)},
                 info=[["Samordningsförbund", None], ["Mätår", YEAR]])
    data = read_paths([tmp_path])
    m = the_one(errors(data), "a.xlsx", "Uppgifter!B1")
    assert "namn saknas" in m
    assert data.respondents.empty


def test_answers_are_still_checked_when_the_forbund_name_is_missing(tmp_path):
    registration(tmp_path / "a.xlsx", {"Styrelse": [fq(5), [5, 5, 8, 5, 5]]},
                 info=[["Samordningsförbund", None], ["Mätår", YEAR]])
    data = read_paths([tmp_path])
    the_one(errors(data), "a.xlsx", "Uppgifter!B1")
    the_one(errors(data), "a.xlsx", "Styrelse!C2", "Svarskoden 8")
    assert data.respondents.empty  # a workbook without a förbund gives no figures


def test_two_sheets_with_the_same_name_but_for_case_and_spaces(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)},
                 extra={"personal ": personal([4] * 11)})
    data = read_paths([tmp_path])
    m = the_one(errors(data), "a.xlsx", "'Personal'", "'personal '")
    assert "samma namn" in m


def test_bad_enkatversion(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)},
                 info=uppgifter(version=2020))
    data = read_paths([tmp_path])
    m = the_one(errors(data), "a.xlsx", "Uppgifter!B3")
    assert "2017, 2018 eller 2021" in m and "'2020'" in m


def test_a_text_file_renamed_xlsx_is_reported_and_others_still_read(tmp_path):
    (tmp_path / "trasig.xlsx").write_text("Detta är ingen arbetsbok\n", encoding="utf-8")
    registration(tmp_path / "b.xlsx", {"Personal": personal([5] * 11)})
    data = read_paths([tmp_path])
    m = the_one(errors(data), "trasig.xlsx")
    assert "kan inte läsas" in m and ".xlsx" in m
    assert len(data.errors) == 1
    assert len(data.respondents) == 1


def test_other_spreadsheet_formats_in_a_folder_are_named(tmp_path):
    # A .xls is read (python-calamine); one that cannot be read is an error, never a skip.
    (tmp_path / "gammal.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "export.csv").write_text("F1;F2\n5;5\n", encoding="utf-8")
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)})
    data = read_paths([tmp_path])
    the_one(errors(data), "gammal.xls", ".xlsx")
    the_one(warnings(data), "export.csv", ".xlsx")


def test_missing_population_sheet_when_there_are_answers(tmp_path):
    write_book(tmp_path / "a.xlsx", {"Uppgifter": uppgifter(), "Personal": personal([5] * 11)})
    data = read_paths([tmp_path])
    the_one(errors(data), "a.xlsx", "'Population' saknas")


def test_unknown_survey_in_population(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)},
                 population=[["Personal", None, 20, 10], ["Deltagare pagaende", None, 20, 10]])
    data = read_paths([tmp_path])
    m = the_one(errors(data), "a.xlsx", "Population!A3")
    assert "Menade du 'Deltagare pågående'?" in m


def test_non_number_in_population(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)},
                 population=[["Personal", None, "ca 20", 10]])
    data = read_paths([tmp_path])
    m = the_one(errors(data), "a.xlsx", "Population!C2")
    assert "'ca 20' är inte ett tal" in m and "Målpopulation" in m


# --- Overlapping workbooks ---------------------------------------------------------------------

def test_two_workbooks_with_answers_for_the_same_insats(tmp_path):
    sheet = {"Deltagare pågående": [["Löpnr", "Insats", "Kön", *fq(7)], [1, "Steget", 1, *[5] * 7]]}
    registration(tmp_path / "steget.xlsx", sheet, population=[])
    registration(tmp_path / "steget_gammal.xlsx",
                 {"Deltagare pågående": [["Löpnr", "Insats", "Kön", *fq(7)], [1, "Steget", 2, *[4] * 7]]},
                 population=[])
    data = read_paths([tmp_path])
    m = the_one(errors(data), "insats 'Steget'")
    assert "steget.xlsx" in m and "steget_gammal.xlsx" in m
    assert "Deltagare pågående!A2" in m and FORBUND in m and str(YEAR) in m


def test_two_workbooks_with_answers_without_insats(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)}, population=[])
    registration(tmp_path / "b.xlsx", {"Personal": personal([4] * 11)}, population=[])
    data = read_paths([tmp_path])
    m = the_one(errors(data), "svar utan insats")
    assert "a.xlsx" in m and "b.xlsx" in m and "Personal!A2" in m


def test_two_workbooks_with_a_population_row_for_the_same_survey_and_insats(tmp_path):
    registration(tmp_path / "a.xlsx", {}, population=[["Personal", "Steget", 20, 10]])
    registration(tmp_path / "b.xlsx", {}, population=[["Personal", "Steget", 25, 12]])
    data = read_paths([tmp_path])
    m = the_one(errors(data), "Population-rad")
    assert "a.xlsx" in m and "b.xlsx" in m and "Population!A2" in m and "Steget" in m


def test_other_years_and_forbund_do_not_overlap(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)})
    registration(tmp_path / "b.xlsx", {"Personal": personal([5, 4] + [5] * 9)}, info=uppgifter(year=2021))
    registration(tmp_path / "c.xlsx", {"Personal": personal([4] * 11)}, info=uppgifter("Annat förbund"))
    data = read_paths([tmp_path])
    assert data.problems == []
    assert len(data.respondents) == 3


# --- Every problem is reported, nothing counted twice ------------------------------------------

def test_all_problems_of_a_run_are_reported(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Deltagare pågående": [["Löpnr", "Kön", *fq(7)],
                               [1, 9, *[5] * 7],           # unknown Kön: B2
                               [2, 1, 5, 5, 8, 5, 5, 5, 5],  # code 8: E3
                               [3, 1, *[5] * 6, "nej"]],    # text: I4
        "Personal": personal([5] * 11, [5, 0] + [5] * 9),    # code 0: C3
    })
    registration(tmp_path / "b.xlsx", {"Styrelse": [fq(5), [5, 5, 5, 5, 9]]},   # code 9: E2
                 info=uppgifter("Annat förbund"))
    write_book(tmp_path / "c.xlsx", {"Blad1": [["hej"]]})                        # no Uppgifter
    data = read_paths([tmp_path])
    found = {(Path(p.file).name, p.sheet, p.cell) for p in data.errors}
    assert found == {
        ("a.xlsx", "Deltagare pågående", "B2"),
        ("a.xlsx", "Deltagare pågående", "E3"),
        ("a.xlsx", "Deltagare pågående", "I4"),
        ("a.xlsx", "Personal", "C3"),
        ("b.xlsx", "Styrelse", "E2"),
        ("c.xlsx", "", ""),
    }


def test_every_error_names_file_sheet_and_cell_where_there_is_one(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Deltagare avslut": [["Kön", *fq(10)], [7, *[5] * 7, 3, "x", 5.5]],
        "Personal": [["Löpnr", *fq(12)], [1, *[5] * 12]],
    }, population=[["Personal", None, "många", 10], ["Personal", None, 5, 5]])
    data = read_paths([tmp_path])
    assert len(data.errors) >= 6
    for p in data.errors:
        assert p.file.endswith("a.xlsx") and p.sheet and p.cell, p
        assert f"{p.sheet}!{p.cell}" in str(p) and "a.xlsx" in str(p)


def test_the_same_workbook_twice_is_counted_once(tmp_path):
    first = registration(tmp_path / "forbund.xlsx", {
        "Personal": personal([5] * 11, [4] * 11),
        "Styrelse": [fq(5), [6, 6, 6, 9, 6]],     # an error, to be listed once, not twice
    })
    shutil.copy(first, tmp_path / "forbund - kopia.xlsx")
    data = read_paths([tmp_path])
    m = the_one(warnings(data), "forbund - kopia.xlsx")
    assert "samma innehåll" in m and "forbund.xlsx" in m and "en gång" in m
    assert len(data.respondents) == 3
    assert len(data.files) == 1
    assert len(data.errors) == 1
    assert not any("Både" in m for m in errors(data))  # not an overlap either


def test_the_same_file_given_twice_on_the_command_line_is_counted_once(tmp_path):
    path = registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)})
    data = read_paths([path, tmp_path])
    assert len(data.respondents) == 1
    assert data.errors == []


# --- Warnings that keep the answers ------------------------------------------------------------

def test_tillfragade_smaller_than_the_answers_counted(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11, [5] * 11, [4] * 11)},
                 population=[["Personal", None, 10, 2]])
    data = read_paths([tmp_path])
    assert data.errors == []
    m = the_one(warnings(data), "Population!D2")
    assert "a.xlsx" in m and "Tillfrågade (2)" in m and "(3)" in m
    assert len(data.respondents) == 3


def test_tillfragade_is_compared_with_answers_from_every_workbook_of_the_forbund(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11, [5] * 11)},
                 population=[["Personal", None, 10, 3]])
    registration(tmp_path / "b.xlsx", {"Styrelse": [fq(5), [5] * 5]}, population=[["Styrelse", None, 6, 6]])
    assert read_paths([tmp_path]).problems == []
    registration(tmp_path / "c.xlsx", {"Personal": [["Insats", *fq(11)], ["Steget", *[4] * 11],
                                                    ["Steget", *[4] * 11]]}, population=[])
    data = read_paths([tmp_path])
    assert data.errors == []
    the_one(warnings(data), "Population!D2", "Tillfrågade (3)", "(4)")


def test_malpopulation_smaller_than_tillfragade(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11)},
                 population=[["Personal", None, 8, 10]])
    data = read_paths([tmp_path])
    assert data.errors == []
    m = the_one(warnings(data), "Population!C2")
    assert "Målpopulationen (8)" in m and "Tillfrågade" in m and "(10)" in m


def test_answers_to_9_and_10_after_nej_on_8_are_kept_with_a_warning(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Deltagare avslut": [["Löpnr", "Kön", *fq(10)],
                             [1, 1, *[5] * 7, 2, 4, 3],     # Nej, then 9 and 10: K2, L2
                             [2, 2, *[5] * 7, 2, None, None],  # Nej, skipped: fine
                             [3, 1, *[5] * 7, 1, 5, 5],     # Ja: fine
                             [4, 2, *[5] * 7, 2, None, 6]],  # Nej, then 10 only: L5
    })
    data = read_paths([tmp_path])
    assert data.errors == []
    m = the_one(warnings(data), "Deltagare avslut!K2")
    assert "fråga 9 och 10" in m and "Nej" in m and "fråga 8" in m
    m = the_one(warnings(data), "Deltagare avslut!L5")
    assert "fråga 10" in m
    assert len(warnings(data)) == 2
    assert len(data.respondents) == 4
    kept = codes(data)
    assert (2, 9, 4) in kept and (2, 10, 3) in kept and (5, 10, 6) in kept


def test_answers_without_a_population_row_are_warned(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": personal([5] * 11), "Styrelse": [fq(5), [5] * 5]},
                 population=[["Personal", None, 20, 10]])
    data = read_paths([tmp_path])
    assert data.errors == []
    m = the_one(warnings(data), "Styrelse")
    assert "a.xlsx" in m and "Population" in m


def test_nothing_is_dropped_silently(tmp_path):
    registration(tmp_path / "a.xlsx", {
        "Deltagare pågående": [["Kön", *fq(7)], [1, *[5] * 7], [], [2, None, None, 3], [3]],
        "Remittenter": [["Arbetsgivare", *fq(4)], [None, 1], [], []],
    }, population=[["Deltagare pågående", None, 20, 10], ["Remittenter", None, None, 10]])
    data = read_paths([tmp_path])
    assert data.problems == []
    sheets = data.sheets.set_index("survey")
    assert sheets.loc["Deltagare pågående"].tolist()[-3:] == [4, 2, 2]
    assert sheets.loc["Remittenter"].tolist()[-3:] == [1, 1, 0]
    assert sheets.responses.sum() == len(data.respondents) == 3


def test_a_written_registration_file_reads_back_answer_for_answer(tmp_path):
    """registration.workbook.write_registration (the demo data's and fixtures' writer): each
    respondent's codes land in their question's column and read back as written; an answer
    without a code leaves its cell empty; two codes for one respondent's question are refused."""
    import pandas as pd

    from finsam_lib.registration.workbook import write_registration

    respondents = pd.DataFrame({"respondent": ["a", "b", "c"], "insats": ["Steg", "", "Steg"],
                                "survey": ["Deltagare pågående", "Deltagare pågående", "Remittenter"],
                                "background": [1, None, 3]})
    answers = pd.DataFrame({"respondent": ["a", "a", "b", "c", "c", "x"], "question": [1, 2, 2, 1, 3, 1],
                            "code": [5, None, 3, 1, 2, 4]})  # x: not a respondent of this file
    population = pd.DataFrame({"survey": ["Deltagare pågående", "Remittenter"], "insats": ["", ""],
                               "malpopulation": [10, 5], "tillfragade": [8, 4]})
    path = write_registration(tmp_path / "f.xlsx", "Testförbundet", 2022, respondents, answers, population)
    data = read_paths([path])
    assert not data.errors
    rows = data.respondents.set_index("respondent")
    got = sorted((rows.sheet[r], int(rows.row[r]), int(q), int(c))
                 for r, q, c in zip(data.answers.respondent, data.answers.question, data.answers.code))
    assert got == [("Deltagare pågående", 2, 1, 5), ("Deltagare pågående", 3, 2, 3),
                   ("Remittenter", 2, 1, 1), ("Remittenter", 2, 3, 2)]
    assert rows.insats.tolist() == ["Steg", "", "Steg"] and rows.background.tolist() == [1, 4, 3]
    twice = pd.concat([answers, answers.iloc[[0]]])
    with pytest.raises(ValueError, match="two answers"):
        write_registration(tmp_path / "g.xlsx", "Testförbundet", 2022, respondents, twice, population)
