"""Cells that no spreadsheet evaluates: every CSV and XLSX export of the product writes its
cells through `csv_cell` and `xlsx_cell` (formula injection, OWASP "CSV Injection").

A spreadsheet reads a cell starting with `=`, `+`, `-` or `@` as a formula (a tab or a
carriage return first can hide one), so an organisation named `=HYPERLINK("http://x",
"clic")` or a commune typed in a URL would become a live link or worse. The one rule,
`needs_quoting`, leaves alone what is only a number (`-5,00`, `+3.5`, or the lone dash
that marks a masked figure): no spreadsheet reads a formula there, and a balance must
stay a number. Everything else that starts so is quoted:

- CSV: a leading apostrophe, which spreadsheets read as "this is text" and do not show;
- XLSX: a text cell (never a formula, whatever its first character) with the quote
  prefix style, the XLSX way of saying the same, so that editing the cell keeps it text.
  Numbers are written as numbers.

The product writes no formula of its own: any text is data.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# An optional sign and digits with one decimal mark (both the French and the English one):
# what a spreadsheet reads as a number, or a lone sign. Nothing there can call anything.
PLAIN_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:[.,][0-9]+)?)?\Z")
QUOTE = "'"


def needs_quoting(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula."""
    return text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(text)


def csv_cell(value):
    """The value to write in a CSV cell: numbers and harmless text unchanged, text that a
    spreadsheet would evaluate behind a leading apostrophe."""
    if isinstance(value, str) and needs_quoting(value):
        return QUOTE + value
    return value


def xlsx_cell(cell: Cell, value) -> Cell:
    """Write `value` into an openpyxl cell: a number as a number, text always as text.

    Characters that XML cannot hold (control characters but tab, newline and carriage
    return) become U+FFFD rather than failing the whole file.
    """
    if not isinstance(value, str):
        cell.value = value
        return cell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # loaded with the first XLSX

    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell.value = text
    cell.data_type = "s"  # openpyxl makes a formula of any text that starts with "="
    if needs_quoting(text):
        cell.quotePrefix = True
    return cell
