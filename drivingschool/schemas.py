"""API schemas of the auto-école sociale (docs/api.md, "Driving school")."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from drivingschool.assiduity import LESSON_MAX_MINUTES, MAX_LESSON_PARTICIPANTS
from drivingschool.enums import TrancheKind
from mobility.attendance_sheets_api import SIGNATURE_DESCRIPTION
from mobility.bounds import Day, Id
from mobility.schemas import InputSchema

LessonKindCode = Literal["theory", "driving", "simulator", "pre_training"]
AttendanceCode = Literal["present", "late", "excused", "unexcused"]
ExamKindCode = Literal["theory", "driving"]


class EnrolmentIn(InputSchema):
    pathway_id: Id
    start_date: Day
    theory_hours: Decimal | None = Field(
        None, ge=0, max_digits=5, decimal_places=2, description="Par défaut : suggéré."
    )
    driving_hours: Decimal | None = Field(
        None, ge=0, max_digits=5, decimal_places=2, description="Par défaut : suggéré."
    )
    hourly_rate: Decimal | None = Field(
        None, ge=0, max_digits=6, decimal_places=2, description='Par défaut "6.00" (programme).'
    )
    theory_funder_id: Id | None = None
    practical_funder_id: Id | None = None
    pre_training_hours: Decimal | None = Field(
        None,
        ge=0,
        max_digits=5,
        decimal_places=2,
        description="Heures de pré-formation à suivre avant le code (tranche 1). "
        "Par défaut : suggéré par le groupe d'orientation (groupe 2 : 17,5).",
    )


class TrancheOut(Schema):
    id: int
    kind: str
    label: str
    funder_id: int | None
    amount: Decimal
    status: str
    released_at: datetime | None
    overridden: bool
    override_reason: str
    paid_on: date | None

    @staticmethod
    def resolve_label(tranche) -> str:
        return str(TrancheKind(tranche.kind).label)


class FundingOut(Schema):
    released: bool
    blocking: list[str]


class ExclusionOut(Schema):
    at: datetime
    by: str
    reason: str


class PreTrainingOut(Schema):
    required_hours: float = Field(description="Heures à suivre avant le code (0 : aucune).")
    attended_hours: float
    attendance_rate: float | None = Field(description="Assiduité propre à la pré-formation.")
    completed: bool


class EnrolmentOut(Schema):
    """An enrolment with its state; built by api.enrolment_out (state computed once)."""

    id: int
    pathway_id: int
    beneficiary_id: int
    beneficiary_name: str
    status: str
    start_date: date
    theory_hours: float
    driving_hours: float
    hourly_rate: Decimal
    quote_total: Decimal
    agreement_signed_on: date | None
    tranches: list[TrancheOut]
    attendance_rate: float | None = Field(
        description="Assiduité aux séances de code, celle que lit la tranche 2 : de 0 à 1 ; "
        "null tant qu'aucune séance de code passée n'est émargée."
    )
    attended_hours: float
    counted_hours: float
    late_count: int
    late_minutes: int
    excused_absences: int
    unexcused_absences: int
    unrecorded_lessons: int
    exclusion_proposed: bool
    excluded: bool
    exclusion: ExclusionOut | None
    theory_passed: bool
    driving_passed: bool
    theory_funding: FundingOut
    practical_funding: FundingOut
    pre_training: PreTrainingOut
    driving_attendance_rate: float | None = Field(
        description="Assiduité aux leçons de conduite et au simulateur (0 à 1), à part."
    )


class LessonIn(InputSchema):
    kind: LessonKindCode
    # A plain datetime: assiduity.lesson_problems bounds it to a year around today, in French.
    start: datetime = Field(description="ISO 8601 ; sans décalage : heure de Paris.")
    duration_minutes: int = Field(gt=0, le=LESSON_MAX_MINUTES)
    # Neither emptiness nor repetitions are refused here: lesson_schedule says why in French.
    enrolment_ids: list[Id] = Field(max_length=MAX_LESSON_PARTICIPANTS)
    instructor_id: Id | None = Field(None, description="Par défaut : vous, si moniteur·rice.")


class AttendanceIn(InputSchema):
    enrolment_id: Id
    status: AttendanceCode
    late_minutes: int | None = Field(None, ge=0, le=600)
    reason: str = Field("", max_length=2000)
    signature: str | None = Field(None, max_length=300_000, description=SIGNATURE_DESCRIPTION)


class AttendanceOut(Schema):
    id: int
    lesson_id: int
    enrolment_id: int
    status: str
    late_minutes: int | None
    reason: str
    recorded_at: datetime


class LessonOut(Schema):
    id: int
    kind: str
    start: datetime
    end: datetime
    duration_minutes: int
    instructor_id: int | None
    enrolment_ids: list[int]
    cancelled: bool
    attendance: list[AttendanceOut]

    @staticmethod
    def resolve_enrolment_ids(lesson) -> list[int]:
        return sorted(enrolment.pk for enrolment in lesson.enrolments.all())

    @staticmethod
    def resolve_cancelled(lesson) -> bool:
        return lesson.is_cancelled

    @staticmethod
    def resolve_attendance(lesson):
        return lesson.attendances.all()


class LessonCancelIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000)


class ExamIn(InputSchema):
    kind: ExamKindCode
    date: Day
    passed: bool


class ExamOut(Schema):
    id: int
    enrolment_id: int
    kind: str
    date: date
    passed: bool


class ExcludeIn(InputSchema):
    reason: str = Field(min_length=1, max_length=5000)


class AgreementIn(InputSchema):
    signed_on: Day


class ReleaseIn(InputSchema):
    override_reason: str = Field("", max_length=5000)


class PaidIn(InputSchema):
    paid_on: Day
