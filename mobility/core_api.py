"""Core API router: organisations, referrals, beneficiaries, pathways (docs/api.md, "Core").

Handlers parse, scope with `for_user`, call one service and shape the answer; the rules
live in mobility.services and mobility.rules.
"""

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from mobility import referral_delays, services
from mobility.bounds import Id
from mobility.enums import (
    CASEWORK_ROLES,
    STAFF_ROLES,
    FileAccessChannel,
    OrganisationKind,
    ReferralStatus,
    Role,
)
from mobility.errors import Forbidden, InvalidInput
from mobility.models import Beneficiary, Notification, Organisation, Pathway, Platform, Referral
from mobility.pagination import LimitOffsetPagination
from mobility.registry import registry
from mobility.schemas import (
    AcceptIn,
    AcceptOut,
    BeneficiaryRead,
    DeclineIn,
    FilterSchema,
    OrganisationIn,
    OrganisationOut,
    PathwayCloseIn,
    PathwayOut,
    PathwayRead,
    ReferralIn,
    ReferralOut,
    StatusOut,
)
from mobility.visibility import ADDRESS, DIAGNOSTICS, ELIGIBILITY, visible_sections

router = Router(tags=["Cœur : organisations, fiches de liaison, bénéficiaires, parcours"])


def require_role(request: HttpRequest, roles, message: str) -> None:
    if not request.user.has_role(*roles):
        raise Forbidden(message)


# ---- organisations


@router.get("/organisations", response=list[OrganisationOut], summary="Lister les organisations")
@paginate(LimitOffsetPagination)
def list_organisations(request: HttpRequest, kind: str | None = None):
    organisations = Organisation.objects.for_user(request.user).active().order_by("name", "pk")
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations


@router.post("/organisations", response={201: OrganisationOut}, summary="Créer une organisation")
def create_organisation(request: HttpRequest, payload: OrganisationIn):
    admin_platforms = services.user_admin_platform_ids(request.user)
    if not admin_platforms:
        raise Forbidden(
            "Seul·es les administrateur·rices de la plateforme créent des organisations."
        )
    if payload.platform is None:
        if len(admin_platforms) > 1:
            raise InvalidInput(
                "Vous administrez plusieurs plateformes : précisez le champ platform.",
                errors={"platform": "Précisez la plateforme."},
            )
        platform_id = next(iter(admin_platforms))
    else:
        platform_id = payload.platform
    platform = Platform.objects.filter(pk=platform_id, is_active=True).first()
    if platform is None:
        raise InvalidInput("Plateforme inconnue.", errors={"platform": "Plateforme inconnue."})
    organisation = services.organisation_create(
        by=request.user,
        platform=platform,
        name=payload.name,
        kind=payload.kind,
        siret=payload.siret,
    )
    return Status(201, organisation)


# ---- referrals


def referrals_for(request: HttpRequest):
    require_role(
        request,
        CASEWORK_ROLES | {Role.PRESCRIBER},
        "Votre rôle ne donne pas accès aux fiches de liaison.",
    )
    return (
        Referral.objects.for_user(request.user)
        .select_related("prescriber")
        .prefetch_related(
            Prefetch("notifications", queryset=Notification.objects.order_by("created_at", "pk"))
        )
    )


class ReferralFilters(FilterSchema):
    status: ReferralStatus | None = None
    prescriber: Id | None = None


@router.get("/referrals", response=list[ReferralOut], summary="Lister les fiches de liaison")
@paginate(LimitOffsetPagination)
def list_referrals(request: HttpRequest, filters: Query[ReferralFilters]):
    referrals = referrals_for(request)
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    if filters.prescriber:
        referrals = referrals.filter(prescriber_id=filters.prescriber)
    return referrals.order_by("-received_on", "-pk")


@router.post("/referrals", response={201: ReferralOut}, summary="Envoyer une fiche de liaison")
def create_referral(request: HttpRequest, payload: ReferralIn):
    prescriber = (
        Organisation.objects.for_user(request.user)
        .filter(pk=payload.prescriber, kind=OrganisationKind.PRESCRIBER)
        .first()
    )
    if prescriber is None:
        raise InvalidInput(
            "Structure prescriptrice inconnue : vérifiez l'identifiant prescriber.",
            errors={"prescriber": "Structure prescriptrice inconnue."},
        )
    person = payload.person
    data = services.ReferralData(
        referent_name=payload.referent.name,
        referent_email=payload.referent.email,
        referent_phone=payload.referent.phone,
        person=services.PersonData(
            **person.model_dump(exclude={"monthly_resources"}),
            licence_held=payload.licence.held,
            licence_since=payload.licence.since,
        ),
        job_kind=payload.job.kind,
        contract=payload.job.contract or "",
        job_start_date=payload.job.start_date,
        job_end_date=payload.job.end_date,
        employer=payload.job.employer,
        monthly_resources=person.monthly_resources,
        job_address=payload.job.address,
        job_schedule=payload.job.schedule,
        home_work_km=payload.job.home_work_km,
        atypical_hours=payload.job.atypical_hours,
        project=payload.project,
        needs=payload.needs,
        comment=payload.comment,
        received_on=payload.received_on,
    )
    referral = services.referral_submit(by=request.user, prescriber=prescriber, data=data)
    return Status(201, referrals_for(request).get(pk=referral.pk))


@router.get("/referrals/{referral_id}", response=ReferralOut, summary="Lire une fiche de liaison")
def get_referral(request: HttpRequest, referral_id: Id):
    return get_object_or_404(referrals_for(request), pk=referral_id)


@router.post(
    "/referrals/{referral_id}/accept", response=AcceptOut, summary="Accepter une fiche de liaison"
)
def accept_referral(request: HttpRequest, referral_id: Id, payload: AcceptIn | None = None):
    referral = get_object_or_404(referrals_for(request), pk=referral_id)
    payload = payload or AcceptIn()
    beneficiary = None
    if payload.beneficiary_id is not None:
        beneficiary = (
            Beneficiary.objects.for_user(request.user).filter(pk=payload.beneficiary_id).first()
        )
        if beneficiary is None:
            raise InvalidInput(
                "Bénéficiaire inconnu·e : vérifiez beneficiary_id.",
                errors={"beneficiary_id": "Bénéficiaire inconnu·e."},
            )
    referral = services.referral_accept(
        referral=referral,
        by=request.user,
        beneficiary=beneficiary,
        new_beneficiary=payload.new_beneficiary,
        opened_on=payload.opened_on,
    )
    return {
        "id": referral.pk,
        "status": referral.status,
        "beneficiary_id": referral.beneficiary_id,
        "pathway_id": referral.pathway_id,
    }


@router.post(
    "/referrals/{referral_id}/resend",
    response=StatusOut,
    summary="Renvoyer une fiche de liaison expirée",
    description="Une fiche restée sans réponse au-delà du délai de la plateforme expire "
    "(statut `expired`) ; sa structure prescriptrice, ou la plateforme, la renvoie : elle "
    "repasse à `submitted` et ses délais repartent du jour du renvoi (`resent_on`). 409 "
    "pour une fiche qui n'est pas expirée.",
)
def resend_referral(request: HttpRequest, referral_id: Id):
    referral = get_object_or_404(referrals_for(request), pk=referral_id)
    referral = referral_delays.referral_resend(referral=referral, by=request.user)
    return {"id": referral.pk, "status": referral.status}


@router.post(
    "/referrals/{referral_id}/decline", response=StatusOut, summary="Refuser une fiche de liaison"
)
def decline_referral(request: HttpRequest, referral_id: Id, payload: DeclineIn):
    referral = get_object_or_404(referrals_for(request), pk=referral_id)
    referral = services.referral_decline(referral=referral, by=request.user, reason=payload.reason)
    return {"id": referral.pk, "status": referral.status}


# ---- beneficiaries


def beneficiaries_for(request: HttpRequest):
    require_role(request, STAFF_ROLES, "Votre rôle ne donne pas accès aux bénéficiaires.")
    return Beneficiary.objects.for_user(request.user).prefetch_related(
        Prefetch("pathways", queryset=Pathway.objects.order_by("opened_on", "pk"))
    )


def beneficiary_out(request: HttpRequest, beneficiary: Beneficiary):
    """The whole person for casework roles, what their work needs for fleet staff and
    instructors (mobility/visibility.py decides)."""
    sees = visible_sections(request.user.roles_on(beneficiary.platform_id))
    beneficiary.shown_as = (
        "full" if ADDRESS in sees else "fleet" if ELIGIBILITY in sees else "contact"
    )
    return beneficiary


class BeneficiaryPage:
    """What the paginator slices: each person shown as the reader's role on their
    platform allows (a user may be adviser on one platform and fleet staff on another)."""

    def __init__(self, request: HttpRequest, queryset):
        self.request, self.queryset = request, queryset

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice):
        return [beneficiary_out(self.request, b) for b in self.queryset[page]]


@router.get(
    "/beneficiaries",
    response=list[BeneficiaryRead],
    summary="Lister les bénéficiaires",
)
@paginate(LimitOffsetPagination)
def list_beneficiaries(request: HttpRequest, q: str | None = None):
    beneficiaries = beneficiaries_for(request).active()
    if q:
        beneficiaries = beneficiaries.search(q)
    return BeneficiaryPage(request, beneficiaries.order_by("last_name", "first_name", "pk"))


@router.get(
    "/beneficiaries/{beneficiary_id}",
    response=BeneficiaryRead,
    summary="Lire un·e bénéficiaire",
    description="Chaque lecture est inscrite au journal des consultations de la fiche "
    "(qui, quand), que lisent les administrateur·rices de la plateforme. Les agent·es de "
    "flotte et les moniteur·rices ne reçoivent que le nom, les coordonnées et ce que leur "
    "travail demande (date de naissance et permis pour la flotte).",
)
def get_beneficiary(request: HttpRequest, beneficiary_id: Id):
    beneficiary = get_object_or_404(beneficiaries_for(request), pk=beneficiary_id)
    services.file_access_record(
        beneficiary=beneficiary, by=request.user, channel=FileAccessChannel.API
    )
    return beneficiary_out(request, beneficiary)


# ---- pathways


def pathways_for(request: HttpRequest):
    require_role(request, STAFF_ROLES, "Votre rôle ne donne pas accès aux parcours.")
    return Pathway.objects.for_user(request.user).prefetch_related(
        Prefetch("referrals", queryset=Referral.objects.order_by("pk")),
        # What each module's fields and services read (mobility/registry.py).
        *registry.all_pathway_prefetches(),
    )


def pathway_out(request: HttpRequest, pathway: Pathway):
    sees = visible_sections(request.user.roles_on(pathway.platform_id))
    pathway.shown_as = "full" if DIAGNOSTICS in sees else "services"
    return pathway


@router.get(
    "/pathways/{pathway_id}",
    response=PathwayRead,
    summary="Lire un parcours",
    description="Les agent·es de flotte et les moniteur·rices n'en lisent que les services, "
    "jamais les diagnostics ni la situation à la sortie.",
)
def get_pathway(request: HttpRequest, pathway_id: Id):
    return pathway_out(request, get_object_or_404(pathways_for(request), pk=pathway_id))


@router.post("/pathways/{pathway_id}/close", response=PathwayOut, summary="Clôturer un parcours")
def close_pathway(request: HttpRequest, pathway_id: Id, payload: PathwayCloseIn):
    pathway = get_object_or_404(pathways_for(request), pk=pathway_id)
    services.pathway_close(
        pathway=pathway,
        by=request.user,
        closed_on=payload.date,
        outcome=payload.outcome,
        durable_solution=payload.durable_solution,
    )
    return pathways_for(request).get(pk=pathway_id)
