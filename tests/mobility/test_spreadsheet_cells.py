"""The one rule of every CSV and XLSX cell (mobility.spreadsheets): no text is evaluated
as a formula, numbers stay numbers."""

import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.spreadsheets import FORMULA_STARTS, csv_cell, needs_quoting, xlsx_cell

ATTACKS = [
    '=HYPERLINK("http://x","clic")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=",
    "-1e5",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_text_that_a_spreadsheet_would_evaluate_is_quoted(text):
    assert needs_quoting(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["-5,00", "-5.00", "+3", "-", "12", "Sedan", "", "a=b"])
def test_numbers_the_masking_dash_and_ordinary_text_are_left_alone(text):
    assert not needs_quoting(text)
    assert csv_cell(text) == text


@pytest.mark.parametrize("number", [-5, -5.0, Decimal("-5.00"), 0, 17.5, None])
def test_numbers_are_not_text(number):
    assert csv_cell(number) == number


def roundtrip(value):
    workbook = openpyxl.Workbook()
    xlsx_cell(workbook.active.cell(row=1, column=1), value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active.cell(row=1, column=1)


@pytest.mark.parametrize("number", [-5, -5.25, Decimal("-5.00"), 1234567])
def test_a_negative_number_stays_a_number_in_xlsx(number):
    cell = roundtrip(number)
    assert cell.data_type == "n"
    assert cell.value == number
    assert not cell.quotePrefix


@given(text=st.text(max_size=30))
def test_any_text_in_csv_never_starts_like_a_formula(text):
    written = csv_cell(text)
    assert written in (text, "'" + text)
    if written.startswith(FORMULA_STARTS):
        # Only what is nothing but a number (or a lone sign) is written as it is.
        assert not needs_quoting(written)
        assert written.lstrip("+-").replace(",", "").replace(".", "").isdigit() or written in (
            "+",
            "-",
        )


@given(text=st.text(alphabet=st.sampled_from("=+-@\t\r aZ0(),.'\"!|"), max_size=12))
def test_any_text_in_csv_starting_with_a_trigger_is_quoted_unless_a_number(text):
    if text[:1] in ("=", "@", "\t", "\r"):
        assert csv_cell(text) == "'" + text


@settings(deadline=None)  # a workbook written and read back: slow on a busy machine
@given(
    text=st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
    )
)
def test_any_text_in_xlsx_is_a_text_cell_never_a_formula(text):
    cell = roundtrip(text)
    if text == "":
        assert cell.value is None
        return
    assert cell.data_type == "s"
    assert bool(cell.quotePrefix) == needs_quoting(text)
    # XML cannot hold most control characters (they become U+FFFD) and reads a carriage
    # return as a line feed; any other text is read back as it was written.
    if not any(ord(c) < 32 and c not in "\t\n" for c in text):
        assert cell.value == text
