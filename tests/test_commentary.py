"""Commentary: the analyst's file (Markdown or YAML) and the drafted facts."""
import pandas as pd
import pytest

from finsam_lib.base import format as fmt
from finsam_lib.base.errors import FinsamError
from finsam_lib.present import commentary as com


def test_markdown_file_is_keyed_by_heading(tmp_path):
    path = tmp_path / "kommentarer.md"
    path.write_text("# Sammanfattning\nÅret i korthet.\n\n## Indikator 3: Tillräcklig tid\nTiden räcker *oftast*.\n\n"
                    "# Indikator 12\n<script>x</script> Strukturer.\n", encoding="utf-8")
    c = com.load(path)
    assert c.text("sammanfattning") == "Året i korthet."
    assert c.text(3) == "Tiden räcker *oftast*."
    assert "<em>oftast</em>" in c.html(3)
    assert "<script>" not in c.html(12) and "&lt;script&gt;" in c.html(12)
    assert c.text(1) == "" and c.html(1) == ""
    assert c.unknown_keys() == []


def test_yaml_file_accepts_numbers_and_spelled_keys(tmp_path):
    path = tmp_path / "kommentarer.yaml"
    path.write_text("1: Nytta.\nindikator_2: |\n  Inflytande.\nIndikator 16: Jämställdhet.\nokänt: x\n",
                    encoding="utf-8")
    c = com.load(path)
    assert (c.text(1), c.text(2), c.text(16)) == ("Nytta.", "Inflytande.", "Jämställdhet.")
    assert c.unknown_keys() == ["okänt"]


def test_no_file_means_no_commentary_and_a_missing_file_is_an_error(tmp_path):
    assert com.load(None).parts == {}
    with pytest.raises(FinsamError, match="saknas.md finns inte"):
        com.load(tmp_path / "saknas.md")
    assert "# Indikator 16" in com.template(2022) and "# Indikator 11" not in com.template(2022)


def test_change_sentences_follow_the_verdicts_not_the_size_of_the_change():
    """A +3 that is beyond chance is an increase; a −8 that may be chance is not a decrease."""
    ch = pd.DataFrame({"survey": ["Deltagare pågående", "Deltagare avslut", "Personal"], "question": [1, 1, 1],
                       "before": [75.0, 80.0, 70.0], "now": [78.0, 72.0, 71.0], "low": [1, -30, -9],
                       "high": [5, 14, 11], "verdict": ["ökning", "ingen säker förändring", "ingen säker förändring"]})
    ch["change"] = ch.now - ch.before
    text = com.change_sentence(ch, 2021)
    assert text.startswith("Jämfört med 2021 har nyckeltalet ökat för pågåendeenkätens fråga 1 (från 75")
    assert f"{fmt.pp(3)}, 95 % intervall +1 till +5" in text
    assert "minskat" not in text
    assert "För övriga är förändringen inte större än att den kan bero på slumpen" in text
    assert "avslutsenkätens fråga 1 (från 80" in text and "personalens fråga 1 (från 70" in text


def test_gender_sentence_names_the_largest_gap():
    gaps = pd.DataFrame({"survey": ["Deltagare avslut", "Deltagare pågående"], "question": [6, 1],
                         "key": ["positiv", "klart"], "kvinnor": [61.0, 79.0], "män": [68.0, 77.0]})
    gaps["gap"] = gaps["män"] - gaps.kvinnor
    text = com.gender_sentence(gaps)
    assert "avslutsenkätens fråga 6" in text and "svarar positivt" in text and fmt.pp_abs(7) in text
    small = gaps.assign(gap=[1.0, -1.0])
    assert com.gender_sentence(small).startswith("Kvinnor och män svarar nästan likadant")


def test_verdict_sentence_shows_sum_and_threshold():
    trend = pd.DataFrame({"indicator": [1, 1, 1], "group": ["totalt", "kvinnor", "män"], "measures": [2, 2, 2],
                          "sum_change_pp": [5, 3, -4], "threshold_pp": [4, 4, 4],
                          "classification": ["Ökning", "Varken ökning eller minskning", "Minskning"]})
    text = com.verdict_sentence(trend, 1, 2021)
    assert "”ökning”" in text and "två mått" in text and fmt.pp(5) in text and "±4" in text
    assert "för kvinnor ”varken ökning eller minskning” (+3) och för män ”minskning” (\u22124)" in text


def test_indicator_11_is_not_measured():
    assert "mäts inte med enkäterna" in com.not_measured_text(11)


@pytest.mark.parametrize("text, says", [
    ("indikator 1: [text med hakparentes\n", r"går inte att läsa som YAML \(rad 2, kolumn 1\)"),
    ("- indikator 1\n- indikator 2\n", "ska vara en lista med nycklar"),
])
def test_a_commentary_file_that_cannot_be_read_is_a_swedish_error_naming_it(tmp_path, text, says):
    path = tmp_path / "Huddinge.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FinsamError, match=says) as error:
        com.load(path)
    assert str(path) in str(error.value)


def test_a_commentary_file_not_saved_as_utf8_says_how_to_save_it(tmp_path):
    path = tmp_path / "nationell.md"
    path.write_bytes("# Sammanfattning\n\nÅret gick bra.\n".encode("cp1252"))
    with pytest.raises(FinsamError, match="inte sparad som UTF-8"):
        com.load(path)


def test_the_command_line_stops_on_a_bad_commentary_file_before_making_a_report(fixture_2022, tmp_path):
    """A broken commentary file is a Swedish error naming it, exit code 1, and no report is
    started (before: the notebook stopped in cell 3 with YAML's English ParserError)."""
    import subprocess
    import sys

    bad = tmp_path / "nationell.yaml"
    bad.write_text("sammanfattning: [ohh\n", encoding="utf-8")
    out = tmp_path / "ut"
    done = subprocess.run([sys.executable, "-m", "finsam_lib.apps.cli", "report", "national", "--data",
                           str(fixture_2022), "--year", "2022", "--out", str(out), "--formats", "html",
                           "--commentary", str(bad)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert f"Kommentarsfilen {bad} går inte att läsa som YAML" in done.stderr
    assert "Traceback" not in done.stderr and "Skapar" not in done.stdout
    assert not out.exists() or not any(out.iterdir())
