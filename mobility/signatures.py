"""Pure rules of the signatures drawn on a tablet: what a drawn signature must be, the
fingerprint of what was signed, who reads and who signs each kind of document, and the
sentence that says which proof exists. No ORM, no clock, no storage."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import formats, timezone

from mobility.enums import ProofKind, Role, SignedDocumentKind
from mobility.errors import InvalidInput

DATA_URL_PREFIX = "data:image/png;base64,"
# A signature pad's PNG of a tablet's width weighs 5 to 40 KB: 200 KB leaves room and
# refuses anything that is not a drawing.
SIGNATURE_MAX_BYTES = 200 * 1024
# A larger picture is no pad's drawing (and Pillow would spend memory on it).
SIGNATURE_MAX_PIXELS = 4000 * 4000
# A pixel is ink when it is visible (alpha) and darker than paper.
INK_ALPHA = 32
INK_LUMINANCE = 200
# Fewer inked pixels than this is a tap, not a signature.
MIN_INK_PIXELS = 30

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class SignatureRefused(InvalidInput):
    """A drawn signature that cannot be kept, with the French reason."""

    def __init__(self, message: str):
        super().__init__(message, errors={"signature": message})


def decode_signature(data_url: str) -> bytes:
    """The PNG bytes of a signature sent as a data URL, or SignatureRefused.

    Only `data:image/png;base64,` is taken; the bytes must be at most
    SIGNATURE_MAX_BYTES, a PNG that Pillow reads whole, and hold a drawing (not a blank
    canvas)."""
    if not isinstance(data_url, str) or not data_url.strip():
        raise SignatureRefused("La signature est vide : signez dans le cadre.")
    data_url = data_url.strip()
    if not data_url.startswith(DATA_URL_PREFIX):
        raise SignatureRefused(
            "La signature doit être une image PNG (adresse « data:image/png;base64, »)."
        )
    encoded = data_url[len(DATA_URL_PREFIX) :]
    # Base64 is 4/3 of the bytes: refuse before decoding what cannot fit.
    if len(encoded) > (SIGNATURE_MAX_BYTES * 4) // 3 + 4:
        raise SignatureRefused(_too_large())
    try:
        payload = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRefused("La signature n'est pas un codage base64 valide.") from None
    if len(payload) > SIGNATURE_MAX_BYTES:
        raise SignatureRefused(_too_large())
    if not payload.startswith(PNG_MAGIC):
        raise SignatureRefused("La signature n'est pas une image PNG.")
    _check_png(payload)
    return payload


def _too_large() -> str:
    limit = SIGNATURE_MAX_BYTES // 1024
    return f"La signature pèse plus de {limit} Ko : effacez et signez à nouveau."


def _check_png(payload: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    unreadable = "La signature n'est pas une image PNG lisible."
    try:
        with Image.open(io.BytesIO(payload)) as probe:
            if probe.format != "PNG":
                raise SignatureRefused(unreadable)
            width, height = probe.size
            if width * height > SIGNATURE_MAX_PIXELS:
                raise SignatureRefused("L'image de la signature est trop grande.")
            probe.verify()
        # verify() leaves the image unusable: read it again to count the ink.
        with Image.open(io.BytesIO(payload)) as image:
            image.load()
            ink = ink_pixels(image)
    except SignatureRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise SignatureRefused(unreadable) from None
    if ink < MIN_INK_PIXELS:
        raise SignatureRefused("La signature est vide : signez dans le cadre.")


def ink_pixels(image) -> int:
    """How many pixels of a Pillow image are visible and darker than paper."""
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A").point(lambda value: 255 if value >= INK_ALPHA else 0)
    dark = rgba.convert("L").point(lambda value: 255 if value < INK_LUMINANCE else 0)
    from PIL import ImageChops

    return ImageChops.multiply(alpha, dark).histogram()[255]


def _canonical_default(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"Valeur non sérialisable dans un document signé : {type(value).__name__}")


def canonical_json(payload) -> str:
    """One text for one content: keys sorted, no spaces, dates and amounts as text."""
    return json.dumps(
        payload,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_canonical_default,
    )


def content_hash(payload) -> str:
    """The SHA-256 (hex) of the canonical JSON of what is signed."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def snapshot(payload):
    """The payload as it is stored (JSON types only), so that its hash, recomputed from the
    stored content, is the hash of the payload."""
    return json.loads(canonical_json(payload))


# Who may read and who may sign each kind (on the document's platform). Rentals and their
# return are the fleet's and casework's; the learning agreement and the lesson sheets the
# driving school's; a workshop is run by advisers.
READER_ROLES: dict[str, frozenset[str]] = {
    SignedDocumentKind.RENTAL_CONTRACT: frozenset({Role.ADMIN, Role.ADVISER, Role.FLEET}),
    SignedDocumentKind.RETURN_REPORT: frozenset({Role.ADMIN, Role.ADVISER, Role.FLEET}),
    SignedDocumentKind.LEARNING_AGREEMENT: frozenset({Role.ADMIN, Role.ADVISER, Role.INSTRUCTOR}),
    SignedDocumentKind.LESSON_SHEET: frozenset({Role.ADMIN, Role.ADVISER, Role.INSTRUCTOR}),
    SignedDocumentKind.WORKSHOP_SHEET: frozenset({Role.ADMIN, Role.ADVISER}),
}
SIGNER_ROLES: dict[str, frozenset[str]] = dict(READER_ROLES)


def may_read(kind: str, roles: Iterable[str]) -> bool:
    return bool(READER_ROLES.get(kind, frozenset()) & set(roles))


def may_sign(kind: str, roles: Iterable[str]) -> bool:
    return bool(SIGNER_ROLES.get(kind, frozenset()) & set(roles))


def missing_lines(required: Iterable[str], signed: Iterable[str]) -> list[str]:
    """The required signature lines not signed yet, in the required order."""
    done = set(signed)
    return [line for line in required if line not in done]


@dataclass(frozen=True)
class Proof:
    """Which proof exists for a document: `status` is "tablet", "paper", "pending" (some
    lines signed, not closed) or "none"; `stale`: the object changed since the signature."""

    status: str
    label: str
    stale: bool = False
    version: int | None = None


def _moment(when: datetime) -> str:
    local = timezone.localtime(when)
    return f"{formats.date_format(local, 'j F Y')} à {local:%H:%M}"


def proof_label(
    *, proof: str | None, closed_at: datetime | None, signed_lines: int = 0
) -> tuple[str, str]:
    """(status, French sentence) for a document's state."""
    if proof == ProofKind.TABLET and closed_at is not None:
        return "tablet", f"Signé sur tablette le {_moment(closed_at)}"
    if proof == ProofKind.PAPER and closed_at is not None:
        return "paper", f"Scan papier joint le {_moment(closed_at)}"
    if signed_lines:
        plural = "s" if signed_lines > 1 else ""
        return "pending", f"Signature en cours ({signed_lines} signature{plural} sur tablette)"
    return "none", "Pas encore signé"


STALE_LABEL = "modifié depuis la signature"
