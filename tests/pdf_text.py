"""The text of a PDF the product makes, as its reader sees it (pypdf), and the check that
what must be there is there and what must never be there is not."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def pdf_text(content: bytes) -> str:
    """Every page's text, spaces (non-breaking ones included) collapsed to one."""
    assert content.startswith(b"%PDF"), content[:20]
    pages = PdfReader(io.BytesIO(content)).pages
    text = " ".join(page.extract_text() or "" for page in pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def written_dates(day: date) -> list[str]:
    """The ways a PDF may print a day: 14/02/1997, 14/2/1997, 1997-02-14, 14 février 1997."""
    return [
        f"{day:%d/%m/%Y}",
        f"{day.day}/{day.month}/{day.year}",
        day.isoformat(),
        f"{day.day} {MONTHS[day.month - 1]} {day.year}",
    ]


def check_pdf(content: bytes, *, has=(), never=()) -> str:
    """The PDF's text, after asserting each of `has` is in it and none of `never`."""
    text = pdf_text(content)
    missing = [value for value in has if value not in text]
    leaked = [value for value in never if value and value in text]
    assert not missing and not leaked, f"missing {missing}, leaked {leaked} in: {text}"
    return text


# A person whose every identifying detail is distinctive, to look for in the PDFs.
PERSON = {
    "first_name": "Yasmina",
    "last_name": "Belkacem-Roux",
    "birth_date": date(1997, 2, 14),
    "address": "12 rue du Lac Bleu",
    "phone": "06 12 34 56 78",
    "email": "yasmina.belkacem@personne.example",
}


def identity_never_in_an_anonymous_pdf() -> list[str]:
    """Surname, birth date, address, phone, email: never on a PDF that travels or is
    aggregated."""
    return [
        PERSON["last_name"],
        PERSON["address"],
        PERSON["phone"],
        PERSON["email"],
        *written_dates(PERSON["birth_date"]),
    ]
