"""A funder's audit pack: for a period and a funder, the sessions it pays for (every
module's, through mobility/registry.py), which sheets are signed whole and which miss
signatures (who, which session), the hours attended per person, and the one PDF of the
signed sheets with those totals. The rules are in mobility/attendance_audit.py (pure).

Who: the platform's administrators. The pack names the people and shows their
signatures; a funder account sees no personal data (README, "Qui voit quoi"), so it gets
the pack from the platform, as a control asks for it, never from the site itself.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.utils import timezone

from mobility.attendance_audit import (
    Missing,
    PersonHours,
    SheetProof,
    hours_per_person,
    missing_signatures,
    sheet_payload,
)
from mobility.attendance_sheets import sheet_context
from mobility.enums import FileAccessChannel, OrganisationKind, ProofKind, Role, SignedDocumentKind
from mobility.errors import Forbidden, InvalidInput, NotFound
from mobility.models import FileAccess, Organisation, Platform, Signature, SignedDocument, User
from mobility.registry import FundedSession, registry
from mobility.reports.rules import period_errors
from mobility.signatures import content_hash

AUDIT_ROLES = frozenset({Role.ADMIN})
SHEET_KINDS = (SignedDocumentKind.LESSON_SHEET, SignedDocumentKind.WORKSHOP_SHEET)
FORBIDDEN_MESSAGE = (
    "Les feuilles d'émargement signées d'un financeur sont réservées aux "
    "administrateur·rices de la plateforme : elles nomment les personnes."
)
PLATFORM_NOT_FOUND = "Plateforme introuvable : elle n'existe pas ou ne vous est pas accessible."
ZERO_HOURS = Decimal("0.00")
STALE_WHAT = "feuille modifiée depuis la signature : à signer de nouveau"


def can_audit(user: User) -> bool:
    return user.is_authenticated and user.has_role(*AUDIT_ROLES)


@dataclass(frozen=True)
class AuditRequest:
    start: date | None
    end: date | None
    funder: int | None
    platform: int | None = None


@dataclass(frozen=True)
class AuditScope:
    platform: Platform
    funder: Organisation
    start: date
    end: date  # included


def resolve(user: User, request: AuditRequest, *, today: date | None = None) -> AuditScope:
    """Check the request against the user's rights and the data. Forbidden (403: role),
    NotFound (404: platform), InvalidInput (422: the rest), each in French."""
    if not can_audit(user):
        raise Forbidden(FORBIDDEN_MESSAGE)
    today = today or timezone.localdate()
    errors = {}
    if request.start is None:
        errors["start"] = "Indiquez le début de la période (AAAA-MM-JJ)."
    if request.end is None:
        errors["end"] = "Indiquez la fin de la période (AAAA-MM-JJ)."
    if not errors:
        errors.update(period_errors(request.start, request.end, today=today))
    if request.funder is None:
        errors["funder"] = "Choisissez le financeur."
    allowed = user.platform_ids(AUDIT_ROLES)
    platform_id = request.platform
    if platform_id is None:
        if len(allowed) != 1:
            errors["platform"] = "Précisez la plateforme."
        else:
            platform_id = next(iter(allowed))
    if platform_id is not None:
        platform = Platform.objects.filter(pk=platform_id, is_active=True).first()
        if platform is None or platform_id not in allowed:
            raise NotFound(PLATFORM_NOT_FOUND)
    funder = None
    if request.funder is not None and platform_id is not None:
        funder = Organisation.objects.filter(
            pk=request.funder, platform_id=platform_id, kind=OrganisationKind.FUNDER
        ).first()
        if funder is None:
            errors["funder"] = "Ce financeur n'est pas un financeur de la plateforme."
    if errors:
        details = " ; ".join(f"{name} : {message}" for name, message in errors.items())
        raise InvalidInput(f"La demande n'est pas valide ({details}).", errors=errors)
    return AuditScope(platform=platform, funder=funder, start=request.start, end=request.end)


@dataclass
class AuditedSession:
    session: FundedSession
    document: SignedDocument | None
    stale: bool
    missing: list[Missing]
    signatures: dict[str, Signature] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def proof(self) -> str:
        return self.document.proof if self.document and self.document.closed else ""


@dataclass(frozen=True)
class PersonTotal:
    person_id: int
    person: str
    sessions: int
    hours: Decimal
    signed_sessions: int
    signed_hours: Decimal  # on the sheets signed whole


@dataclass
class AuditPack:
    scope: AuditScope
    sessions: list[AuditedSession]
    totals: list[PersonTotal]

    @property
    def complete(self) -> list[AuditedSession]:
        return [audited for audited in self.sessions if audited.complete]

    @property
    def incomplete(self) -> list[AuditedSession]:
        return [audited for audited in self.sessions if not audited.complete]


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _current_sheets(sessions: list[FundedSession]) -> dict[tuple[int, int, str], SignedDocument]:
    """The current signed document of each session's sheet, with its signatures: two
    queries whatever the number of sessions."""
    if not sessions:
        return {}
    wanted: dict[tuple[int, str], list[int]] = {}
    for session in sessions:
        content_type = ContentType.objects.get_for_model(session.session)
        wanted.setdefault((content_type.pk, session.kind), []).append(session.session.pk)
    scope = Q(pk__in=[])
    for (content_type_id, kind), ids in wanted.items():
        scope |= Q(content_type_id=content_type_id, kind=kind, object_id__in=ids)
    documents = (
        SignedDocument.objects.filter(scope)
        .current()
        .prefetch_related(Prefetch("signatures", queryset=Signature.objects.order_by("pk")))
    )
    return {(doc.content_type_id, doc.object_id, doc.kind): doc for doc in documents}


def audit(session: FundedSession, document: SignedDocument | None) -> AuditedSession:
    """One session's sheet against its proof: what is missing, and whether the sheet
    changed since it was signed (then nothing signed counts, the sheet is signed again)."""
    # A document whose people were anonymised keeps its hash but not its content
    # (mobility/erasure.py): it was signed, and today's anonymised sheet cannot match it.
    erased = document is not None and not document.content
    stale = (
        bool(document and document.closed)
        and not erased
        and content_hash(sheet_payload(session)) != document.content_hash
    )
    signatures = {}
    if document is not None and not stale:
        signatures = {signature.line: signature for signature in document.signatures.all()}
        proof = SheetProof(
            proof=document.proof if document.closed else "",
            signed_keys=frozenset(signatures),
            closed=document.closed,
        )
    else:
        proof = SheetProof()
    missing = missing_signatures(session, proof)
    if stale:
        missing.insert(0, Missing(key="stale", who=session.leader, what=STALE_WHAT))
    return AuditedSession(
        session=session, document=document, stale=stale, missing=missing, signatures=signatures
    )


def audit_pack(scope: AuditScope, *, now: datetime | None = None) -> AuditPack:
    """The pack of `scope`: the sessions held in the period up to now (a session to come
    has nothing to sign yet), each against its sheet's proof, and the hours per person."""
    now = now or timezone.now()
    end = min(_moment(scope.end + timedelta(days=1)), now)
    sessions = registry.sessions_funded(
        platform_id=scope.platform.pk,
        funder_id=scope.funder.pk,
        start=_moment(scope.start),
        end=end,
    )
    documents = _current_sheets(sessions)
    audited = [
        audit(
            session,
            documents.get(
                (
                    ContentType.objects.get_for_model(session.session).pk,
                    session.session.pk,
                    session.kind,
                )
            ),
        )
        for session in sessions
    ]
    return AuditPack(scope=scope, sessions=audited, totals=_totals(audited))


def _totals(audited: list[AuditedSession]) -> list[PersonTotal]:
    signed: dict[int, PersonHours] = {
        row.person_id: row for row in hours_per_person(a.session for a in audited if a.complete)
    }
    return [
        PersonTotal(
            person_id=row.person_id,
            person=row.person,
            sessions=row.sessions,
            hours=row.hours,
            signed_sessions=signed[row.person_id].sessions if row.person_id in signed else 0,
            signed_hours=signed[row.person_id].hours if row.person_id in signed else ZERO_HOURS,
        )
        for row in hours_per_person(a.session for a in audited)
    ]


def missing_as_json(pack: AuditPack) -> list[dict]:
    """The missing signatures, session by session, as the API returns them."""
    return [
        {
            "kind": audited.session.kind,
            "session_id": audited.session.session.pk,
            "label": audited.session.label,
            "start": audited.session.start,
            "missing": [{"line": m.key, "who": m.who, "what": m.what} for m in audited.missing],
        }
        for audited in pack.incomplete
    ]


# ---- the PDF


def _scan_image(document: SignedDocument) -> str:
    """A scanned image as a data URL for WeasyPrint; "" for a PDF scan (listed as joined:
    a PDF's pages cannot be laid inside an HTML page) or an erased file."""
    if not document.scan or document.scan_content_type not in ("image/jpeg", "image/png"):
        return ""
    with document.scan.open("rb") as stored:
        encoded = base64.b64encode(stored.read()).decode()
    return f"data:{document.scan_content_type};base64,{encoded}"


def pdf_context(pack: AuditPack) -> dict:
    """Each closed sheet as it was signed (its content, not today's data), the scan of a
    paper one, and what the cover page and the totals need."""
    sheets = []
    for audited in pack.sessions:
        document = audited.document
        if document is None or not document.closed or audited.stale:
            continue
        paper = document.proof == ProofKind.PAPER
        erased = not document.content
        sheets.append(
            {
                "session": audited.session,
                "document": document,
                "paper": paper,
                "erased": erased,
                "scan_image": _scan_image(document) if paper else "",
                "sheet": None
                if paper or erased
                else sheet_context(document, audited.signatures.values()),
                "missing": audited.missing,
            }
        )
    return {
        "pack": pack,
        "scope": pack.scope,
        "sheets": sheets,
        "generated_at": timezone.localtime(),
    }


def pack_pdf(pack: AuditPack, *, by: User) -> bytes:
    """The one PDF of the signed sheets and the totals; its reading is written in the
    consultation log of each person it names (one INSERT for all)."""
    from mobility.pdf import render_pdf

    content = render_pdf("mobility/sheet_audit_pdf.html", pdf_context(pack))
    people = {line.person_id for a in pack.sessions for line in a.session.lines}
    FileAccess.objects.bulk_create(
        FileAccess(
            platform_id=pack.scope.platform.pk,
            beneficiary_id=person_id,
            user=by,
            channel=FileAccessChannel.SIGNED_DOCUMENT,
        )
        for person_id in sorted(people)
    )
    return content


def pack_filename(scope: AuditScope) -> str:
    return f"emargements-signes-{scope.funder.pk}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.pdf"


__all__ = [
    "AUDIT_ROLES",
    "AuditPack",
    "AuditRequest",
    "audit_pack",
    "can_audit",
    "missing_as_json",
    "pack_filename",
    "pack_pdf",
    "resolve",
]
