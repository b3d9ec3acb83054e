"""API schemas of the accompaniment actions (docs/api.md, "Accompaniment actions")."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from accompaniment.rules import MAX_CAPACITY, MAX_MINUTES, MAX_TRIPS, places_left
from mobility.attendance_sheets_api import SIGNATURE_DESCRIPTION
from mobility.bounds import Day, Id, Moment
from mobility.schemas import InputSchema

KindCode = Literal["workshop", "coaching", "transport", "carpool", "orientation", "financial_aid"]
AttendanceCode = Literal["present", "late", "excused", "unexcused"]
OutcomeCode = Literal["pending", "done", "refused", "abandoned"]
DecisionCode = Literal["granted", "refused"]
RecommendationCode = str


class ActionTypeIn(InputSchema):
    code: str = Field(min_length=1, max_length=50)
    kind: KindCode
    label: str = Field(min_length=1, max_length=200)
    answers: list[RecommendationCode] = Field(default_factory=list, max_length=50)
    platform: Id | None = Field(
        None, description="Plateforme (à préciser si vous administrez plusieurs plateformes)."
    )


class ActionTypeOut(Schema):
    id: int
    code: str
    kind: str
    label: str
    answers: list[str]


class SessionIn(InputSchema):
    type_id: Id
    start: Moment
    duration_minutes: int = Field(ge=1, le=MAX_MINUTES)
    place: str = Field(min_length=1, max_length=200)
    capacity: int = Field(ge=1, le=MAX_CAPACITY)
    facilitator_id: Id | None = None
    funder_id: Id | None = Field(
        None,
        description="Le financeur de la séance (organisation de type financeur de la "
        "plateforme) : la séance figure dans ses feuilles d'émargement signées.",
    )


class RegistrationOut(Schema):
    id: int
    session_id: int
    pathway_id: int
    beneficiary_id: int
    beneficiary_name: str
    registered_at: datetime
    attendance: str | None
    reason: str

    @staticmethod
    def resolve_beneficiary_id(registration) -> int:
        return registration.pathway.beneficiary_id

    @staticmethod
    def resolve_beneficiary_name(registration) -> str:
        return registration.pathway.beneficiary.full_name

    @staticmethod
    def resolve_attendance(registration) -> str | None:
        return registration.attendance or None


class SessionOut(Schema):
    id: int
    type_id: int = Field(alias="action_type_id")
    label: str
    start: datetime
    duration_minutes: int
    place: str
    capacity: int
    facilitator_id: int | None
    funder_id: int | None
    registered: int
    places_left: int
    cancelled: bool
    cancelled_at: datetime | None
    cancel_reason: str
    registrations: list[RegistrationOut]

    @staticmethod
    def resolve_label(session) -> str:
        return session.action_type.label

    @staticmethod
    def resolve_registered(session) -> int:
        return len(session.registrations.all())

    @staticmethod
    def resolve_cancelled(session) -> bool:
        return session.is_cancelled

    @staticmethod
    def resolve_places_left(session) -> int:
        return places_left(capacity=session.capacity, registered=len(session.registrations.all()))


class SessionCancelIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000)


class RegistrationIn(InputSchema):
    pathway_id: Id


class AttendanceIn(InputSchema):
    pathway_id: Id
    status: AttendanceCode
    reason: str = Field("", max_length=2000)
    signature: str | None = Field(None, max_length=300_000, description=SIGNATURE_DESCRIPTION)


class ActionIn(InputSchema):
    type_id: Id
    date: Day
    duration_minutes: int | None = Field(None, ge=1, le=MAX_MINUTES)
    trips: int | None = Field(None, ge=1, le=MAX_TRIPS)
    km: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)
    partner_id: Id | None = None
    amount: Decimal | None = Field(None, gt=0, max_digits=9, decimal_places=2)
    funder_id: Id | None = None
    decision: DecisionCode | None = None
    outcome: OutcomeCode | None = None
    notes: str = Field("", max_length=5000)


class ActionPatchIn(InputSchema):
    outcome: OutcomeCode | None = None
    decision: DecisionCode | None = None
    paid_on: Day | None = None


class ActionOut(Schema):
    id: int
    pathway_id: int
    type_id: int = Field(alias="action_type_id")
    code: str
    kind: str
    label: str
    date: date
    duration_minutes: int | None
    trips: int | None
    km: float | None
    partner_id: int | None
    amount: Decimal | None
    funder_id: int | None
    decision: str | None
    outcome: str | None
    paid_on: date | None
    notes: str
    created_at: datetime

    @staticmethod
    def resolve_code(action) -> str:
        return action.action_type.code

    @staticmethod
    def resolve_label(action) -> str:
        return action.action_type.label

    @staticmethod
    def resolve_km(action) -> float | None:
        return None if action.km is None else float(action.km)

    @staticmethod
    def resolve_decision(action) -> str | None:
        return action.decision or None

    @staticmethod
    def resolve_outcome(action) -> str | None:
        return action.outcome or None
