"""Fleet API router (docs/api.md, "Fleet"), mounted at /api/v1/fleet/.

Handlers parse, scope with `for_user`, call one service and shape the answer; the rules
live in fleet.services, fleet.tariffs, fleet.eligibility and fleet.rules.
"""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from fleet import photos, selectors, services
from fleet import signing as fleet_signing
from fleet.enums import FLEET_ROLES
from fleet.models import CheckIn, LedgerEntry, Rental, Vehicle, VehiclePhoto
from fleet.pdf import receipt_filename, receipt_pdf
from fleet.schemas import (
    CheckInIn,
    CheckInOut,
    DueListOut,
    ExtensionIn,
    LedgerEntryOut,
    MicrocreditIn,
    PaymentRecordIn,
    PhotoIn,
    PhotoOut,
    QuoteFilters,
    QuoteOut,
    RefundIn,
    RentalFilters,
    RentalIn,
    RentalOut,
    ReturnIn,
    ReversalIn,
    ReversalOut,
    VehicleFilters,
    VehicleIn,
    VehicleOut,
    VehicleStatusIn,
)
from mobility import weeks
from mobility.bounds import Id
from mobility.errors import Forbidden, InvalidInput
from mobility.file_downloads import stored_file_response
from mobility.models import Beneficiary, Organisation, Pathway, Platform
from mobility.pagination import LimitOffsetPagination
from mobility.signing_api import (
    PDF_RESPONSE,
    SCAN_RESPONSE,
    ProofOut,
    SignaturesIn,
    proof_out,
    signed_file,
)

router = Router(tags=["Flotte : véhicules, locations, points étapes"])

NOT_FLEET = "Votre rôle ne donne pas accès à la flotte."


def require_fleet(request: HttpRequest) -> None:
    if not request.user.has_role(*FLEET_ROLES):
        raise Forbidden(NOT_FLEET)


def vehicles_for(request: HttpRequest):
    require_fleet(request)
    return Vehicle.objects.for_user(request.user)


def entries_for(request: HttpRequest):
    require_fleet(request)
    return LedgerEntry.objects.for_user(request.user).select_related("reverses", "reversal")


def rentals_for(request: HttpRequest):
    require_fleet(request)
    return (
        Rental.objects.for_user(request.user)
        .select_related("vehicle", "tariff_grid")
        .with_balance()
    )


# ---- vehicles


@router.get("/vehicles", response=list[VehicleOut], summary="Lister les véhicules")
@paginate(LimitOffsetPagination)
def list_vehicles(request: HttpRequest, filters: Query[VehicleFilters]):
    vehicles = vehicles_for(request)
    if filters.kind:
        vehicles = vehicles.filter(kind=filters.kind)
    if filters.status:
        vehicles = vehicles.filter(status=filters.status)
    return vehicles.order_by("kind", "label", "pk")


@router.post("/vehicles", response={201: VehicleOut}, summary="Ajouter un véhicule")
def create_vehicle(request: HttpRequest, payload: VehicleIn):
    require_fleet(request)
    platform_ids = request.user.platform_ids(FLEET_ROLES)
    if payload.platform is None and len(platform_ids) > 1:
        raise InvalidInput(
            "Vous travaillez pour plusieurs plateformes : précisez le champ platform.",
            errors={"platform": "Précisez la plateforme."},
        )
    platform_id = payload.platform if payload.platform is not None else next(iter(platform_ids))
    platform = Platform.objects.filter(pk=platform_id, pk__in=platform_ids).first()
    if platform is None:
        raise InvalidInput("Plateforme inconnue.", errors={"platform": "Plateforme inconnue."})
    vehicle = services.vehicle_create(
        by=request.user,
        platform=platform,
        kind=payload.kind,
        label=payload.label,
        registration=payload.registration,
        odometer_km=payload.odometer_km,
        site=payload.site,
    )
    return Status(201, vehicle)


@router.get("/vehicles/{vehicle_id}", response=VehicleOut, summary="Lire un véhicule")
def get_vehicle(request: HttpRequest, vehicle_id: Id):
    return get_object_or_404(vehicles_for(request), pk=vehicle_id)


@router.post(
    "/vehicles/{vehicle_id}/status",
    response=VehicleOut,
    summary="Mettre un véhicule en entretien, le rendre disponible ou le retirer",
)
def set_vehicle_status(request: HttpRequest, vehicle_id: Id, payload: VehicleStatusIn):
    vehicle = get_object_or_404(vehicles_for(request), pk=vehicle_id)
    return services.vehicle_set_status(
        by=request.user, vehicle=vehicle, status=payload.status, notes=payload.notes
    )


# ---- quote


@router.get("/quote", response=QuoteOut, summary="Calculer le montant d'une location")
def quote(request: HttpRequest, filters: Query[QuoteFilters]):
    require_fleet(request)
    beneficiary = (
        Beneficiary.objects.for_user(request.user)
        .filter(platform_id__in=request.user.platform_ids(FLEET_ROLES))
        .select_related("platform")
        .filter(pk=filters.beneficiary_id)
        .first()
    )
    if beneficiary is None:
        raise InvalidInput(
            "Bénéficiaire inconnu·e : vérifiez beneficiary_id.",
            errors={"beneficiary_id": "Bénéficiaire inconnu·e."},
        )
    result = services.quote_for(
        beneficiary=beneficiary, kind=filters.kind, start=filters.start, end=filters.end
    )
    grid = services.fleet_settings(beneficiary.platform).tariff_grid
    return {
        "start": result.start,
        "end": result.end,
        "days": result.days,
        "total": result.total,
        "tariff_grid": str(grid),
        "lines": result.lines,
    }


# ---- rentals


@router.get("/rentals", response=list[RentalOut], summary="Lister les locations")
@paginate(LimitOffsetPagination)
def list_rentals(request: HttpRequest, filters: Query[RentalFilters]):
    rentals = rentals_for(request)
    if filters.status:
        rentals = rentals.filter(status=filters.status)
    if filters.pathway_id:
        rentals = rentals.filter(pathway_id=filters.pathway_id)
    if filters.vehicle_id:
        rentals = rentals.filter(vehicle_id=filters.vehicle_id)
    return rentals.order_by("-start_date", "-pk")


@router.post("/rentals", response={201: RentalOut}, summary="Remettre un véhicule (location)")
def create_rental(request: HttpRequest, payload: RentalIn):
    require_fleet(request)
    platform_ids = request.user.platform_ids(FLEET_ROLES)
    pathway = (
        Pathway.objects.for_user(request.user)
        .filter(platform_id__in=platform_ids, pk=payload.pathway_id)
        .first()
    )
    vehicle = vehicles_for(request).filter(pk=payload.vehicle_id).first()
    errors = {}
    if pathway is None:
        errors["pathway_id"] = "Parcours inconnu."
    if vehicle is None:
        errors["vehicle_id"] = "Véhicule inconnu."
    if errors:
        raise InvalidInput(
            "Parcours ou véhicule inconnu : vérifiez les identifiants.", errors=errors
        )
    rental = services.rental_create(
        by=request.user,
        pathway=pathway,
        vehicle=vehicle,
        start_date=payload.start_date,
        deposit=payload.deposit,
        deposit_method=payload.deposit_method,
        contract_signed=payload.contract_signed,
        home_work_km=payload.home_work_km,
        contract_end_date=payload.contract_end_date,
        override_reason=payload.eligibility_override_reason,
        deposit_waiver_reason=payload.deposit_waiver_reason,
        extended_until=payload.extended_until,
        extension_reason=payload.extension_reason,
        condition=payload.condition.as_dict() if payload.condition else None,
    )
    return Status(201, rentals_for(request).get(pk=rental.pk))


@router.get("/rentals/{rental_id}", response=RentalOut, summary="Lire une location")
def get_rental(request: HttpRequest, rental_id: Id):
    return get_object_or_404(rentals_for(request), pk=rental_id)


@router.post(
    "/rentals/{rental_id}/checkins",
    response={201: CheckInOut},
    summary="Enregistrer un point étape (accepte Idempotency-Key)",
)
def create_checkin(request: HttpRequest, rental_id: Id, payload: CheckInIn):
    rental = get_object_or_404(rentals_for(request), pk=rental_id)
    result = services.checkin_record(
        by=request.user,
        rental=rental,
        day=payload.date,
        odometer_km=payload.odometer_km,
        condition=payload.condition.as_dict(),
        payment_amount=payload.payment.amount if payload.payment else None,
        payment_method=payload.payment.method if payload.payment else "",
        notes=payload.notes,
    )
    checkin = result.checkin
    return Status(
        201,
        {
            "id": checkin.pk,
            "rental_id": checkin.rental_id,
            "date": checkin.date,
            "period_start": checkin.period_start,
            "days": result.quote.days,
            "odometer_km": checkin.odometer_km,
            "condition": checkin.condition,
            "amount_due": checkin.amount_due,
            "amount_paid": result.amount_paid,
            "balance": result.balance.due,
            "km_driven": checkin.km_driven,
            "km_allowance": checkin.km_allowance,
            "km_over": checkin.km_over,
            "km_exceeded": checkin.km_over > 0,
            "notes": checkin.notes,
            "lines": result.quote.lines,
        },
    )


@router.post(
    "/rentals/{rental_id}/payments",
    response={201: LedgerEntryOut},
    summary="Enregistrer un paiement (accepte Idempotency-Key)",
)
def create_payment(request: HttpRequest, rental_id: Id, payload: PaymentRecordIn):
    rental = get_object_or_404(rentals_for(request), pk=rental_id)
    entry = services.payment_record(
        by=request.user,
        rental=rental,
        day=payload.date,
        amount=payload.amount,
        method=payload.method,
        label=payload.label,
    )
    return Status(201, entry)


@router.post(
    "/rentals/{rental_id}/extension",
    response=RentalOut,
    summary="Prolonger une location au-delà de la durée maximale (conseiller·ère, avec motif)",
)
def extend_rental(request: HttpRequest, rental_id: Id, payload: ExtensionIn):
    rental = get_object_or_404(rentals_for(request), pk=rental_id)
    services.rental_extend(
        by=request.user, rental=rental, until=payload.until, reason=payload.reason
    )
    return rentals_for(request).get(pk=rental.pk)


@router.post(
    "/rentals/{rental_id}/microcredit",
    response=RentalOut,
    summary="Noter le microcrédit proposé et sa suite",
)
def record_microcredit(request: HttpRequest, rental_id: Id, payload: MicrocreditIn):
    rental = get_object_or_404(rentals_for(request), pk=rental_id)
    partner = None
    if payload.partner_id is not None:
        partner = Organisation.objects.filter(pk=payload.partner_id).first()
        if partner is None:
            raise InvalidInput("Partenaire inconnu.", errors={"partner_id": "Partenaire inconnu."})
    services.microcredit_record(
        by=request.user,
        rental=rental,
        proposed_on=payload.proposed_on,
        outcome=payload.outcome,
        partner=partner,
        notes=payload.notes,
    )
    return rentals_for(request).get(pk=rental.pk)


@router.get(
    "/rentals/{rental_id}/ledger",
    response=list[LedgerEntryOut],
    summary="Les écritures d'une location (dû, paiements, caution, dommages)",
)
@paginate(LimitOffsetPagination)
def rental_ledger(request: HttpRequest, rental_id: Id):
    rental = get_object_or_404(rentals_for(request), pk=rental_id)
    return entries_for(request).filter(rental=rental).order_by("date", "pk")


@router.post(
    "/rentals/{rental_id}/refunds",
    response={201: LedgerEntryOut},
    summary="Rembourser le trop-perçu d'une location rendue (accepte Idempotency-Key)",
)
def create_refund(request: HttpRequest, rental_id: Id, payload: RefundIn):
    rental = get_object_or_404(rentals_for(request), pk=rental_id)
    entry = services.rental_refund(
        rental=rental,
        amount=payload.amount,
        by=request.user,
        reason=payload.reason,
        method=payload.method,
        day=payload.date,
    )
    return Status(201, entry)


# ---- ledger entries: corrections and receipts


@router.get("/ledger/{entry_id}", response=LedgerEntryOut, summary="Lire une écriture")
def get_ledger_entry(request: HttpRequest, entry_id: Id):
    return get_object_or_404(entries_for(request), pk=entry_id)


@router.post(
    "/ledger/{entry_id}/reverse",
    response={201: ReversalOut},
    summary="Contre-passer une écriture erronée, avec le montant correct s'il y en a un "
    "(accepte Idempotency-Key)",
)
def reverse_ledger_entry(request: HttpRequest, entry_id: Id, payload: ReversalIn):
    entry = get_object_or_404(entries_for(request), pk=entry_id)
    result = services.ledger_entry_reverse(
        entry=entry, by=request.user, reason=payload.reason, correct_amount=payload.correct_amount
    )
    return Status(
        201,
        {
            "reversal": result.reversal,
            "replacement": result.replacement,
            "balance": result.balance.due,
        },
    )


@router.get(
    "/ledger/{entry_id}/receipt",
    summary="Le reçu d'un paiement (PDF)",
    response={200: None},
    openapi_extra={
        "responses": {200: {"description": "Le reçu", "content": {"application/pdf": {}}}}
    },
)
def ledger_entry_receipt(request: HttpRequest, entry_id: Id):
    require_fleet(request)
    receipt = selectors.receipt(LedgerEntry.objects.for_user(request.user), entry_id)
    response = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt_filename(receipt)}"'
    return response


@router.post("/rentals/{rental_id}/return", response=RentalOut, summary="Enregistrer le retour")
def return_rental(request: HttpRequest, rental_id: Id, payload: ReturnIn):
    rental = get_object_or_404(rentals_for(request), pk=rental_id)
    services.rental_return(
        by=request.user,
        rental=rental,
        day=payload.date,
        odometer_km=payload.odometer_km,
        condition=payload.condition.as_dict() if payload.condition else None,
        damages=[services.Damage(d.description, d.cost) for d in payload.damages],
        deposit_retained=payload.deposit_retained,
        deposit_retained_reason=payload.deposit_retained_reason,
        vehicle_status=payload.vehicle_status,
        end_reason=payload.end_reason,
        payment_amount=payload.payment.amount if payload.payment else None,
        payment_method=payload.payment.method if payload.payment else "",
    )
    return rentals_for(request).get(pk=rental_id)


# ---- photos of the vehicle


@router.post(
    "/rentals/{rental_id}/photos",
    response={201: PhotoOut},
    summary="Ajouter une photo du véhicule (multipart/form-data)",
    description="Un formulaire multipart : `file` (la photo, JPEG ou PNG, "
    "PHOTO_MAX_BYTES au plus, 15 Mo par défaut), `moment`, `item`, `checkin_id`. La photo "
    "est redressée, réduite à 1600 pixels et réenregistrée en JPEG sans aucune métadonnée "
    "(ni position GPS, ni EXIF). 12 photos par étape au plus. Un fichier qui n'est pas une "
    "photo, trop lourd ou une étape qui n'est plus la dernière : 422 avec `detail`.",
)
def add_photo(
    request: HttpRequest,
    rental_id: Id,
    payload: Form[PhotoIn],
    file: UploadedFile = File(  # noqa: B008 (django-ninja declares parameters so)
        ..., description="La photo : JPEG ou PNG, vérifiée par son contenu, pas son nom."
    ),
):
    rental = get_object_or_404(rentals_for(request), pk=rental_id)
    checkin = None
    if payload.checkin_id is not None:
        # Whether it is this rental's latest check-in is the service's rule.
        checkin = CheckIn.objects.for_user(request.user).filter(pk=payload.checkin_id).first()
        if checkin is None:
            raise InvalidInput(
                "Point étape inconnu.", errors={"checkin_id": "Point étape inconnu."}
            )
    photo = photos.photo_add(
        by=request.user,
        rental=rental,
        moment=payload.moment,
        item=payload.item,
        checkin=checkin,
        file=file,
    )
    return Status(201, photo)


@router.get(
    "/rentals/{rental_id}/photos",
    response=list[PhotoOut],
    summary="Les photos du véhicule d'une location, avec leurs liens de téléchargement",
)
@paginate(LimitOffsetPagination)
def rental_photos(request: HttpRequest, rental_id: Id):
    rental = get_object_or_404(rentals_for(request), pk=rental_id)
    return (
        VehiclePhoto.objects.for_user(request.user).filter(rental=rental).order_by("taken_at", "pk")
    )


IMAGE_RESPONSE = {
    "responses": {200: {"description": "L'image (JPEG)", "content": {"image/jpeg": {}}}}
}


def _photo(request: HttpRequest, photo_id: int) -> VehiclePhoto:
    require_fleet(request)
    return get_object_or_404(
        VehiclePhoto.objects.for_user(request.user).select_related("rental__beneficiary"),
        pk=photo_id,
    )


@router.get(
    "/photos/{photo_id}/file",
    summary="Télécharger une photo (inscrit au journal des consultations de la personne)",
    openapi_extra=IMAGE_RESPONSE,
)
def photo_file(request: HttpRequest, photo_id: Id):
    photo = _photo(request, photo_id)
    return stored_file_response(
        photos.photo_open(photo=photo, by=request.user),
        filename=photo.download_name(),
        content_type="image/jpeg",
    )


@router.get(
    "/photos/{photo_id}/thumb",
    summary="Télécharger la vignette d'une photo",
    openapi_extra=IMAGE_RESPONSE,
)
def photo_thumb(request: HttpRequest, photo_id: Id):
    photo = _photo(request, photo_id)
    return stored_file_response(
        photo.thumb.open("rb"),
        filename=f"vignette-{photo.download_name()}",
        content_type="image/jpeg",
    )


# ---- the contract and the return report signed on the tablet

SIGNED_DOCUMENTS = {
    "contract": (fleet_signing.contract_signable, "le contrat de mise à disposition"),
    "return-report": (fleet_signing.return_signable, "le rapport de retour"),
}


def _signable(request: HttpRequest, rental_id: int, document: str):
    rental = get_object_or_404(rentals_for(request).select_related("beneficiary"), pk=rental_id)
    return rental, SIGNED_DOCUMENTS[document][0](rental)


def _proof(request, rental_id: int, document: str):
    _rental, signable = _signable(request, rental_id, document)
    return proof_out(signable, base_url=f"/api/v1/fleet/rentals/{rental_id}/{document}")


@router.get(
    "/rentals/{rental_id}/contract",
    response=ProofOut,
    summary="Lire la preuve de signature du contrat (tablette, scan papier ou rien)",
)
def contract_proof(request: HttpRequest, rental_id: Id):
    return _proof(request, rental_id, "contract")


@router.post(
    "/rentals/{rental_id}/contract/signatures",
    response=ProofOut,
    summary="Signer le contrat sur la tablette (images PNG en data URL)",
    description="`beneficiary` et/ou `staff` : les signatures dessinées, en « data URL » "
    "PNG. Le contrat est figé dès que les deux lignes sont signées : son PDF porte les "
    "signatures, les noms, la date et l'heure et l'empreinte SHA-256 du contenu. Si la "
    "location a changé depuis la dernière signature, une nouvelle version est ouverte. "
    "Une image qui n'est pas un PNG lisible et dessiné : 422 ; un contrat déjà signé qui "
    "n'a pas changé : 409.",
)
def sign_contract(request: HttpRequest, rental_id: Id, payload: SignaturesIn):
    rental, _signable_ = _signable(request, rental_id, "contract")
    fleet_signing.contract_sign(
        rental=rental, by=request.user, staff_name=payload.staff_name, **payload.images()
    )
    return _proof(request, rental_id, "contract")


@router.post(
    "/rentals/{rental_id}/contract/scan",
    response=ProofOut,
    summary="Joindre le scan du contrat signé sur papier (multipart/form-data)",
    description="`file` : le scan (PDF, JPEG ou PNG, DOCUMENT_MAX_BYTES au plus). Il ferme "
    "la version en cours avec une preuve « papier ». Un fichier d'un autre type : 422.",
)
def scan_contract(request: HttpRequest, rental_id: Id, file: File[UploadedFile]):
    rental, _signable_ = _signable(request, rental_id, "contract")
    fleet_signing.contract_scan(rental=rental, by=request.user, file=file)
    return _proof(request, rental_id, "contract")


@router.get(
    "/rentals/{rental_id}/contract/pdf",
    summary="Télécharger le contrat signé (PDF figé), inscrit au journal des consultations",
    openapi_extra=PDF_RESPONSE,
)
def contract_pdf_file(request: HttpRequest, rental_id: Id, version: int | None = None):
    _rental, signable = _signable(request, rental_id, "contract")
    return signed_file(signable, which="pdf", version=version, by=request.user)


@router.get(
    "/rentals/{rental_id}/contract/scan",
    summary="Télécharger le scan du contrat signé sur papier",
    openapi_extra=SCAN_RESPONSE,
)
def contract_scan_file(request: HttpRequest, rental_id: Id, version: int | None = None):
    _rental, signable = _signable(request, rental_id, "contract")
    return signed_file(signable, which="scan", version=version, by=request.user)


@router.get(
    "/rentals/{rental_id}/return-report",
    response=ProofOut,
    summary="Lire la preuve de signature du rapport de retour",
)
def return_report_proof(request: HttpRequest, rental_id: Id):
    return _proof(request, rental_id, "return-report")


@router.post(
    "/rentals/{rental_id}/return-report/signatures",
    response=ProofOut,
    summary="Signer le rapport de retour sur la tablette (images PNG en data URL)",
    description="Comme le contrat, une fois le retour enregistré (avant : 409).",
)
def sign_return_report(request: HttpRequest, rental_id: Id, payload: SignaturesIn):
    rental, _signable_ = _signable(request, rental_id, "return-report")
    fleet_signing.return_sign(
        rental=rental, by=request.user, staff_name=payload.staff_name, **payload.images()
    )
    return _proof(request, rental_id, "return-report")


@router.post(
    "/rentals/{rental_id}/return-report/scan",
    response=ProofOut,
    summary="Joindre le scan du rapport de retour signé sur papier (multipart/form-data)",
)
def scan_return_report(request: HttpRequest, rental_id: Id, file: File[UploadedFile]):
    rental, _signable_ = _signable(request, rental_id, "return-report")
    fleet_signing.return_scan(rental=rental, by=request.user, file=file)
    return _proof(request, rental_id, "return-report")


@router.get(
    "/rentals/{rental_id}/return-report/pdf",
    summary="Télécharger le rapport de retour signé (PDF figé)",
    openapi_extra=PDF_RESPONSE,
)
def return_report_pdf_file(request: HttpRequest, rental_id: Id, version: int | None = None):
    _rental, signable = _signable(request, rental_id, "return-report")
    return signed_file(signable, which="pdf", version=version, by=request.user)


@router.get(
    "/rentals/{rental_id}/return-report/scan",
    summary="Télécharger le scan du rapport de retour signé sur papier",
    openapi_extra=SCAN_RESPONSE,
)
def return_report_scan_file(request: HttpRequest, rental_id: Id, version: int | None = None):
    _rental, signable = _signable(request, rental_id, "return-report")
    return signed_file(signable, which="scan", version=version, by=request.user)


# ---- check-ins due


@router.get(
    "/checkins/due",
    response=DueListOut,
    summary="Les locations dont le point étape est dû ou en retard (semaine AAAA-Sss)",
)
def checkins_due(request: HttpRequest, week: str | None = None):
    require_fleet(request)
    today = timezone.localdate()
    try:
        week_start = weeks.parse_iso_week(week) if week else weeks.week_start(today)
    except weeks.InvalidWeek as error:
        raise InvalidInput(str(error), errors={"week": str(error)}) from error
    rentals = Rental.objects.for_user(request.user).open().for_board()
    items = selectors.due_checkins(rentals, week_start=week_start, today=today)
    return {
        "week": weeks.iso_week(week_start),
        "start": week_start,
        "end": week_start + timedelta(days=6),
        "count": len(items),
        "items": [
            {
                "rental_id": item.rental.pk,
                "state": item.state,
                "due_on": item.due_on,
                "last_checkin_date": item.rental.last_checkin_date,
                "beneficiary_id": item.rental.beneficiary_id,
                "beneficiary_name": item.rental.beneficiary.full_name,
                "vehicle_id": item.rental.vehicle_id,
                "vehicle_label": str(item.rental.vehicle),
                "balance": item.rental.balance_due,
            }
            for item in items
        ],
    }
