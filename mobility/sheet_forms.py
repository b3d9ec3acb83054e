"""The signature part of an attendance sheet's form, shared by the driving school and the
workshops: a pad on each person's line and the closing pad of the instructor or
facilitator, sent with the statuses in the sheet's one submit."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from mobility.attendance_audit import CLOSING_KEY
from mobility.forms import SignatureField

CLOSING_FIELD = "closing_signature"


def line_key(person_key) -> str:
    """The sheet line's key among its signatures (mobility.registry.SheetLine.key)."""
    return f"attendance:{person_key}"


class SignedSheetFormMixin:
    """For a OneTimeForm whose rows are keyed by `person_key` (an enrolment, a pathway)."""

    def add_signature_fields(self, person_keys: Iterable) -> None:
        self.signature_keys = list(person_keys)
        for key in self.signature_keys:
            self.fields[f"signature_{key}"] = SignatureField(
                label=_("Signature de la personne"), required=False
            )
        self.fields[CLOSING_FIELD] = SignatureField(
            label=_("Signature du moniteur ou de l'animateur·rice, qui clôt la feuille"),
            required=False,
        )

    def signatures(self) -> dict[str, bytes]:
        """The lines signed in this submit, by line key."""
        return {
            line_key(key): self.cleaned_data[f"signature_{key}"]
            for key in self.signature_keys
            if self.cleaned_data.get(f"signature_{key}")
        }

    def closing(self) -> bytes | None:
        return self.cleaned_data.get(CLOSING_FIELD) or None

    def add_signature_errors(self, errors: dict[str, str]) -> bool:
        """Put the signing service's errors (keyed by line) on the pads; True if any."""
        placed = False
        for key, message in errors.items():
            if key == CLOSING_KEY:
                self.add_error(CLOSING_FIELD, message)
                placed = True
            elif key.startswith("attendance:"):
                target = f"signature_{key.partition(':')[2]}"
                self.add_error(target if target in self.fields else None, message)
                placed = True
        return placed
