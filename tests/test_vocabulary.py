"""One vocabulary of survey and group names, as data (finsam_lib/data/surveys.csv, groups.csv).

Every way a text names a survey comes from that one table, so a report, a chart, a deck and an
export can't disagree on a name or an order (issue 12).
"""
import pandas as pd
import pytest

from finsam_lib.apps import explore_labels
from finsam_lib.figures import method as fig
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts, commentary, deck, prose, prose_forbund, prose_national, tables
from finsam_lib.publish import export

WORDS = ["report_label", "header", "measure_short", "chart_short", "genitive", "running_name", "definite",
         "export_code", "subject", "place", "note_name", "chart_who"]


@pytest.mark.parametrize("column", WORDS)
def test_every_survey_has_every_name(column):
    words = ins.survey_words(column)
    assert list(words) == list(ins.SURVEYS)
    assert all(isinstance(w, str) and w.strip() == w and w for w in words.values()), words


def test_the_surveys_are_those_the_questions_use():
    assert set(ins.SURVEYS) == set(ins.questions().survey)


def test_export_codes_are_unique_variable_prefixes():
    codes = list(ins.survey_words("export_code").values())
    assert len(set(codes)) == len(codes) and all(c.isascii() and c.isidentifier() for c in codes)


def test_report_order_is_a_permutation_of_the_surveys():
    assert sorted(ins.REPORT_ORDER) == sorted(ins.SURVEYS)
    assert ins.REPORT_ORDER[0] == "Deltagare pågående" and ins.REPORT_ORDER[-1] == "Förbundschef"


def test_in_report_order_sorts_any_collection_and_drops_what_is_not_a_survey():
    given = pd.Index(["Styrelse", fig.TOTAL, "Deltagare avslut", "Remittenter", "Personal"])
    assert ins.in_report_order(given) == ["Deltagare avslut", "Personal", "Styrelse", "Remittenter"]
    assert ins.in_report_order(set()) == []


def test_background_only_for_the_surveys_that_ask_for_it():
    assert ins.BACKGROUND == {"Deltagare pågående": "Kön", "Deltagare avslut": "Kön", "Remittenter": "Arbetsgivare"}


def test_the_faces_take_their_names_from_the_vocabulary():
    assert tables.SURVEY_HEADERS == ins.survey_words("header") == deck.SURVEY_NAMES
    assert tables.SURVEY_SHORT == ins.survey_words("measure_short")
    assert charts.SURVEY_SHORT == ins.survey_words("chart_short")
    assert commentary.SURVEY_GENITIVE == ins.survey_words("genitive")
    assert prose_forbund.GROUP_NAMES == ins.survey_words("running_name")
    assert prose_forbund.GROUP_DEFINITE == ins.survey_words("definite")
    assert export.SURVEY_CODES == ins.survey_words("export_code")
    assert prose.WHERE == ins.survey_words("place") and prose_national.NOTE_NAMES == ins.survey_words("note_name")
    assert {k: v for k, v in prose.WHO.items() if k in ins.SURVEYS} == ins.survey_words("subject")


def test_groups_in_one_order_samtliga_then_gender_then_employer():
    order = sorted(ins.GROUP_ORDER, key=ins.GROUP_ORDER.get)
    assert order == ["samtliga", *ins.GENDER_GROUPS, *ins.EMPLOYER_GROUPS]
    assert explore_labels.GROUP_ORDER == ins.GROUP_ORDER
    assert explore_labels.GROUP_LABELS["samtliga"] == "Samtliga" and set(explore_labels.GROUP_LABELS) == set(order)
