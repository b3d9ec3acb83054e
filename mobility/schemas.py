"""API schemas of the core domain (docs/api.md, "Core"), with explicit fields."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, Discriminator, Tag, field_validator

from mobility.bounds import Day, Id
from mobility.enums import Need
from mobility.registry import registry

SexCode = Literal["f", "m", "x"]
ContractCode = Literal["cdi", "cdd", "interim", "contrat_aide", "formation", "creation"]
OutcomeCode = Literal["cdi", "cdd", "interim", "contrat_aide", "formation", "creation", "none"]


class InputSchema(Schema):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class FilterSchema(Schema):
    """Query-string filters: `?status=&kind=` (a field left empty) means no filter."""

    @field_validator("*", mode="before")
    @classmethod
    def empty_means_none(cls, value):
        return None if value == "" else value


# ---- organisations


class OrganisationIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["prescriber", "funder", "partner"]
    siret: str = Field("", max_length=20)
    platform: Id | None = Field(
        None, description="Plateforme (à préciser si vous administrez plusieurs plateformes)."
    )


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    siret: str
    platform: int = Field(alias="platform_id")


# ---- referrals


class ReferentIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    phone: str = Field("", max_length=30)


class PersonIn(InputSchema):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    birth_date: Day
    sex: SexCode
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=255)
    postal_code: str = Field("", max_length=5)
    commune: str = Field(min_length=1, max_length=100)
    qpv: bool = False
    rsa: bool = False
    ass: bool = False
    aah: bool = False
    rqth: bool = False
    monthly_resources: Decimal | None = Field(
        None,
        ge=0,
        max_digits=8,
        decimal_places=2,
        description="Ressources mensuelles de la personne, en euros (chaîne, « 850.00 ») : "
        "RSA, salaire, allocations… Facultatif.",
    )


class LicenceIn(InputSchema):
    held: bool = False
    since: Day | None = None


class JobIn(InputSchema):
    kind: Literal["job", "training", "search"]
    contract: ContractCode | None = None
    start_date: Day | None = None
    end_date: Day | None = Field(
        None,
        description="Fin du CDD, de la mission d'intérim, du contrat aidé ou de la "
        "formation (jamais pour un CDI) : la location d'une voiture en dépend.",
    )
    employer: str = Field("", max_length=200, description="Employeur ou organisme de formation.")
    address: str = Field("", max_length=255)
    home_work_km: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)
    atypical_hours: bool = False
    schedule: str = Field("", max_length=200)


class ReferralIn(InputSchema):
    prescriber: Id
    referent: ReferentIn
    person: PersonIn
    licence: LicenceIn = LicenceIn()
    job: JobIn
    project: str = Field("", max_length=5000)
    # Each code at most once: never more entries than there are needs.
    needs: list[str] = Field([], max_length=len(Need))
    comment: str = Field("", max_length=5000)
    received_on: Day | None = None


class ReferentOut(Schema):
    name: str = Field(alias="referent_name")
    email: str = Field(alias="referent_email")
    phone: str = Field(alias="referent_phone")


class PersonOut(Schema):
    first_name: str
    last_name: str
    birth_date: Day
    sex: str
    phone: str
    email: str
    address: str
    postal_code: str
    commune: str
    qpv: bool
    rsa: bool
    ass: bool
    aah: bool
    rqth: bool


class ReferralPersonOut(PersonOut):
    """The person as the fiche describes them, with what only the fiche carries."""

    monthly_resources: Decimal | None


class LicenceOut(Schema):
    held: bool = Field(alias="licence_held")
    since: date | None = Field(alias="licence_since")


class JobOut(Schema):
    kind: str = Field(alias="job_kind")
    contract: str | None
    start_date: date | None = Field(alias="job_start_date")
    end_date: date | None = Field(alias="job_end_date")
    employer: str
    address: str = Field(alias="job_address")
    home_work_km: float | None
    atypical_hours: bool
    schedule: str = Field(alias="job_schedule")

    @staticmethod
    def resolve_contract(referral) -> str | None:
        return referral.contract or None


class FeedbackOut(Schema):
    event: str
    label: str
    created_at: datetime
    sent: bool
    state: str = Field(description="pending (en attente), sent (envoyée) ou failed (échec)")

    @staticmethod
    def resolve_label(notification) -> str:
        return notification.get_event_display()

    @staticmethod
    def resolve_sent(notification) -> bool:
        return notification.sent_at is not None


class ReferralOut(Schema):
    """A referral; the queryset must select `prescriber` and prefetch `notifications`."""

    id: int
    status: str
    prescriber: Id
    prescriber_name: str
    referent: ReferentOut
    person: ReferralPersonOut
    licence: LicenceOut
    job: JobOut
    project: str
    needs: list[str]
    comment: str
    received_on: date
    resent_on: date | None = Field(
        description="Renvoyée ce jour-là après avoir expiré (null sinon) : les délais de "
        "réponse partent de ce jour."
    )
    decline_reason: str
    beneficiary_id: int | None
    pathway_id: int | None
    created_at: datetime
    feedback: list[FeedbackOut]

    @staticmethod
    def resolve_prescriber(referral) -> int:
        return referral.prescriber_id

    @staticmethod
    def resolve_prescriber_name(referral) -> str:
        return referral.prescriber.name

    # The nested blocks read their fields from the referral row itself.
    @staticmethod
    def resolve_referent(referral):
        return referral

    @staticmethod
    def resolve_person(referral):
        return referral

    @staticmethod
    def resolve_licence(referral):
        return referral

    @staticmethod
    def resolve_job(referral):
        return referral

    @staticmethod
    def resolve_feedback(referral):
        return referral.notifications.all()


class AcceptIn(InputSchema):
    beneficiary_id: Id | None = Field(
        None, description="Rattacher la fiche à cette personne déjà suivie (doublon confirmé)."
    )
    new_beneficiary: bool = Field(
        False, description="Créer une nouvelle personne malgré un homonyme né le même jour."
    )
    opened_on: Day | None = Field(
        None,
        description="Date de la décision quand elle est saisie plus tard : entre la réception "
        "de la fiche et aujourd'hui (défaut : aujourd'hui). Elle date l'ouverture du parcours.",
    )


class AcceptOut(Schema):
    id: int
    status: str
    beneficiary_id: int
    pathway_id: int


class DeclineIn(InputSchema):
    reason: str = Field(min_length=1, max_length=5000)


class StatusOut(Schema):
    id: int
    status: str


# ---- beneficiaries and pathways


class PathwaySummaryOut(Schema):
    id: int
    status: str
    opened_on: date
    closed_on: date | None
    outcome: str | None

    @staticmethod
    def resolve_outcome(pathway) -> str | None:
        return pathway.outcome or None


class BeneficiaryOut(PersonOut):
    """A beneficiary; the queryset must prefetch `pathways`."""

    id: int
    licence: LicenceOut
    created_at: datetime
    pathways: list[PathwaySummaryOut]

    @staticmethod
    def resolve_licence(beneficiary):
        return beneficiary

    @staticmethod
    def resolve_pathways(beneficiary):
        return beneficiary.pathways.all()


class BeneficiaryContactOut(Schema):
    """A beneficiary as instructors read them (mobility/visibility.py): name and contact."""

    shown_as: ClassVar[str] = "contact"
    id: int
    first_name: str
    last_name: str
    phone: str
    email: str


class BeneficiaryFleetOut(BeneficiaryContactOut):
    """A beneficiary as fleet staff read them: contact and the eligibility facts of a
    rental (age, licence), never the address, the social status or the pathways."""

    shown_as: ClassVar[str] = "fleet"
    birth_date: date
    licence: LicenceOut

    @staticmethod
    def resolve_licence(beneficiary):
        return beneficiary


def _shown_as(obj) -> str:
    # Validating, the model instance the handler tagged from mobility.visibility;
    # serialising, the schema instance's own tag. Untagged means read in full.
    return getattr(obj, "shown_as", "full")


# The reader's role on the person's platform picks the schema (core_api.beneficiary_out).
BeneficiaryRead = Annotated[
    Annotated[BeneficiaryOut, Tag("full")]
    | Annotated[BeneficiaryFleetOut, Tag("fleet")]
    | Annotated[BeneficiaryContactOut, Tag("contact")],
    Discriminator(_shown_as),
]


class PathwayCloseIn(InputSchema):
    date: Day
    outcome: OutcomeCode
    durable_solution: bool


class ServiceOut(Schema):
    """A service started on the pathway: a rental (`rental_<vehicle kind>`), the driving
    school (`driving_school`) or an accompaniment action (its kind: `workshop`,
    `coaching`…), with the module's own id and status."""

    kind: str
    id: int
    started_on: date
    status: str
    label: str


class PathwayOut(Schema):
    id: int
    status: str
    beneficiary_id: int
    opened_on: date
    closed_on: date | None
    outcome: str | None
    durable_solution: bool | None
    referrals: list[int]
    diagnostics: list[dict] = []
    services: list[ServiceOut] = []
    progress: dict | None = None

    @staticmethod
    def resolve_outcome(pathway) -> str | None:
        return pathway.outcome or None

    @staticmethod
    def resolve_referrals(pathway) -> list[int]:
        return [referral.pk for referral in pathway.referrals.all()]

    # The queryset must prefetch registry.all_pathway_prefetches() (mobility/registry.py):
    # the modules' fields and services read what it prefetched.
    @staticmethod
    def resolve_diagnostics(pathway) -> list[dict]:
        resolver = registry.pathway_fields.get("diagnostics")
        return resolver(pathway) if resolver else []

    @staticmethod
    def resolve_progress(pathway) -> dict | None:
        resolver = registry.pathway_fields.get("progress")
        return resolver(pathway) if resolver else None

    @staticmethod
    def resolve_services(pathway) -> list[dict]:
        return registry.pathway_services(pathway, casework=True)


class PathwayLimitedOut(Schema):
    """A pathway as fleet staff and instructors read it: its services, never the
    diagnostics, the progress or the outcome."""

    shown_as: ClassVar[str] = "services"
    id: int
    status: str
    beneficiary_id: int
    opened_on: date
    closed_on: date | None
    services: list[ServiceOut] = []

    # Rentals and the driving school, never the accompaniment's casework (aids,
    # orientations, coaching): the modules say which of their services are casework.
    @staticmethod
    def resolve_services(pathway) -> list[dict]:
        return registry.pathway_services(pathway, casework=False)


PathwayRead = Annotated[
    Annotated[PathwayOut, Tag("full")] | Annotated[PathwayLimitedOut, Tag("services")],
    Discriminator(_shown_as),
]
