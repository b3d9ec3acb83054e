"""The fleet's PDFs (rental contract, payment receipt, return report): see mobility/pdf.py
for what WeasyPrint may read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from fleet.enums import Condition, ConditionItem, EntryKind, PhotoMoment
from fleet.models import Rental
from fleet.photos import photos_by_step
from fleet.selectors import Receipt
from fleet.tariffs import euros
from mobility.pdf import image_data_url, render_pdf

__all__ = [
    "contract_pdf",
    "receipt_filename",
    "receipt_pdf",
    "render_pdf",
    "return_report_filename",
    "return_report_pdf",
]


def contract_pdf(rental, *, draft: bool = False, signed: dict | None = None) -> bytes:
    """The rental contract: a draft to print before the handover, the contract to print
    and sign on paper, or (`signed`: mobility.signing.signed_pdf_context) the frozen
    contract with the signatures drawn on the tablet."""
    from fleet import services

    week = services.rental_quote(rental, rental.start_date, rental.start_date + timedelta(days=7))
    grid = services.grid_with_rates(rental.tariff_grid)
    return render_pdf(
        "fleet/contract_pdf.html",
        {
            "rental": rental,
            "pathway": rental.pathway,
            "beneficiary": rental.beneficiary,
            "vehicle": rental.vehicle,
            "grid": grid,
            "steps": [s for s in grid.steps.all() if s.kind == rental.vehicle.kind],
            "reductions": list(grid.reductions.all()),
            "week": week,
            "week_total": euros(week.total),
            "deposit": euros(rental.deposit),
            "deposit_default": euros(rental.deposit_default)
            if rental.deposit_default is not None
            else "",
            "today": timezone.localdate(),
            "draft": draft,
            **(signed or {}),
        },
    )


def receipt_pdf(receipt: Receipt) -> bytes:
    payment = receipt.payment
    return render_pdf(
        "fleet/receipt_pdf.html",
        {
            "receipt": receipt,
            "payment": payment,
            "rental": payment.rental,
            "platform": payment.platform,
            "beneficiary": payment.rental.beneficiary,
            "today": timezone.localdate(),
        },
    )


def receipt_filename(receipt: Receipt) -> str:
    return f"recu-{receipt.payment.receipt_number}.pdf"


@dataclass(frozen=True)
class ConditionRow:
    item: str
    label: str
    handover: str  # a Condition code, "" when it was not noted
    returned: str
    # Worse at the return than at the handover (or damaged when nothing was noted).
    worse: bool


_RANK = {Condition.OK: 0, Condition.WORN: 1, Condition.DAMAGED: 2}


def condition_rows(handover: dict, returned: dict) -> list[ConditionRow]:
    """The checklist side by side, in the checklist's order, with what got worse."""
    rows = []
    for item in ConditionItem:
        before, after = handover.get(item.value, ""), returned.get(item.value, "")
        if not before and not after:
            continue
        worse = bool(after) and _RANK.get(after, 0) > _RANK.get(before or Condition.OK, 0)
        rows.append(ConditionRow(item.value, str(item.label), before, after, worse))
    return rows


@dataclass(frozen=True)
class PrintedPhoto:
    src: str  # the thumbnail, embedded
    caption: str


@dataclass(frozen=True)
class PhotoGroup:
    title: str
    photos: list[PrintedPhoto]


def _printed(photo) -> PrintedPhoto:
    with photo.thumb.open("rb") as thumb:
        src = image_data_url(thumb.read())
    what = photo.get_item_display() if photo.item else "vue d'ensemble"
    when = timezone.localtime(photo.taken_at)
    return PrintedPhoto(src, f"{what.capitalize()} — {when:%d/%m/%Y %H:%M}")


def photo_groups(rental: Rental) -> list[PhotoGroup]:
    """The photos of every step, in the rental's order, thumbnails read from the storage
    (one query for the photos, one for the check-ins' dates)."""
    grouped = photos_by_step(rental.photos.order_by("taken_at", "pk"))
    groups = []
    if grouped[PhotoMoment.HANDOVER]:
        groups.append(
            PhotoGroup(
                f"À la remise, le {rental.start_date:%d/%m/%Y}",
                [_printed(p) for p in grouped[PhotoMoment.HANDOVER]],
            )
        )
    if grouped["checkins"]:
        dates = dict(rental.checkins.filter(pk__in=grouped["checkins"]).values_list("pk", "date"))
        for checkin_id, photos in sorted(grouped["checkins"].items(), key=lambda x: dates[x[0]]):
            groups.append(
                PhotoGroup(
                    f"Au point étape du {dates[checkin_id]:%d/%m/%Y}",
                    [_printed(p) for p in photos],
                )
            )
    if grouped[PhotoMoment.RETURN]:
        when = f", le {rental.end_date:%d/%m/%Y}" if rental.end_date else ""
        groups.append(
            PhotoGroup(f"Au retour{when}", [_printed(p) for p in grouped[PhotoMoment.RETURN]])
        )
    return groups


def return_report_pdf(rental: Rental, *, signed: dict | None = None) -> bytes:
    """The return report of a returned rental (annotated `with_balance()`): the vehicle's
    condition at the handover and at the return, the km, the money, the photos; with
    `signed` (mobility.signing.signed_pdf_context), frozen with the tablet's signatures."""
    money_lines = list(
        rental.ledger.filter(
            kind__in=[EntryKind.DAMAGE, EntryKind.DEPOSIT_RETAINED, EntryKind.DEPOSIT_REFUND]
        ).order_by("date", "pk")
    )
    return render_pdf(
        "fleet/return_report_pdf.html",
        {
            "rental": rental,
            "beneficiary": rental.beneficiary,
            "vehicle": rental.vehicle,
            "rows": condition_rows(rental.handover_condition, rental.return_condition),
            "handover_noted": bool(rental.handover_condition),
            "km_driven": (rental.end_odometer_km or rental.start_odometer_km)
            - rental.start_odometer_km,
            "days": (rental.end_date - rental.start_date).days if rental.end_date else None,
            "money_lines": money_lines,
            "photo_groups": photo_groups(rental),
            "today": timezone.localdate(),
            **(signed or {}),
        },
    )


def return_report_filename(rental: Rental) -> str:
    return f"rapport-retour-{rental.pk}.pdf"
