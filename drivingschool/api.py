"""Driving-school API router (docs/api.md, "Driving school"), mounted at
/api/v1/drivingschool/. Handlers parse, scope with `for_user`, call one service and shape
the answer; the rules live in drivingschool.assiduity and drivingschool.services.
"""

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Body, File, Router, Status, UploadedFile
from ninja.pagination import paginate

from drivingschool import selectors, services
from drivingschool import signing as school_signing
from drivingschool.assiduity import MAX_LESSON_PARTICIPANTS
from drivingschool.enums import DECISION_ROLES, SCHOOL_ROLES, TrancheKind
from drivingschool.models import Attendance, Enrolment, FundingTranche, Lesson
from drivingschool.schemas import (
    AgreementIn,
    AttendanceIn,
    AttendanceOut,
    EnrolmentIn,
    EnrolmentOut,
    ExamIn,
    ExamOut,
    ExcludeIn,
    LessonCancelIn,
    LessonIn,
    LessonOut,
    PaidIn,
    ReleaseIn,
)
from mobility.attendance_sheets_api import (
    SheetCloseIn,
    SheetProofOut,
    row_signatures,
    sheet_file_response,
    sheet_proof_out,
)
from mobility.bounds import Id, Moment
from mobility.enums import OrganisationKind
from mobility.errors import Forbidden, InvalidInput
from mobility.models import Organisation, Pathway, User
from mobility.pagination import LimitOffsetPagination
from mobility.signatures import decode_signature
from mobility.signing_api import (
    PDF_RESPONSE,
    SCAN_RESPONSE,
    ProofOut,
    SignaturesIn,
    proof_out,
    signed_file,
)

router = Router(tags=["Auto-école sociale"])
# An attendance sheet has one row per person booked: never more than a lesson holds.
ATTENDANCE_SHEET = Body(..., max_length=MAX_LESSON_PARTICIPANTS)


def _require(request: HttpRequest, roles=SCHOOL_ROLES) -> None:
    if not request.user.has_role(*roles):
        raise Forbidden("Votre rôle ne donne pas accès à l'auto-école sociale.")


def enrolments_for(request: HttpRequest):
    _require(request)
    return (
        Enrolment.objects.for_user(request.user)
        .select_related("programme", "pathway__beneficiary", "excluded_by")
        .prefetch_related(Prefetch("tranches", queryset=FundingTranche.objects.order_by("kind")))
    )


def lessons_for(request: HttpRequest):
    _require(request)
    return Lesson.objects.for_user(request.user).prefetch_related(
        "enrolments", Prefetch("attendances", queryset=Attendance.objects.order_by("enrolment_id"))
    )


def _rate(value) -> float | None:
    return None if value is None else round(float(value), 4)


def enrolment_out(enrolment: Enrolment, state: selectors.EnrolmentState) -> dict:
    assessed = state.assiduity
    code = state.code_stage
    tranches = {tranche.kind: tranche for tranche in enrolment.tranches.all()}

    def funding(kind: str) -> dict:
        return {"released": state.released(kind), "blocking": list(state.gates[kind].blocking)}

    return {
        "id": enrolment.pk,
        "pathway_id": enrolment.pathway_id,
        "beneficiary_id": enrolment.pathway.beneficiary_id,
        "beneficiary_name": enrolment.pathway.beneficiary.full_name,
        "status": enrolment.status,
        "start_date": enrolment.start_date,
        "theory_hours": enrolment.theory_hours,
        "driving_hours": enrolment.driving_hours,
        "hourly_rate": enrolment.hourly_rate,
        "quote_total": enrolment.quote_total,
        "agreement_signed_on": enrolment.agreement_signed_on,
        "tranches": list(tranches.values()),
        "attendance_rate": _rate(code.attendance_rate),
        "attended_hours": round(code.attended_minutes / 60, 2),
        "counted_hours": round(code.counted_minutes / 60, 2),
        "late_count": assessed.late_count,
        "late_minutes": assessed.late_minutes,
        "excused_absences": assessed.excused_absences,
        "unexcused_absences": assessed.unexcused_absences,
        "unrecorded_lessons": assessed.unrecorded_lessons,
        "exclusion_proposed": state.exclusion_proposed,
        "excluded": state.excluded,
        "exclusion": (
            {
                "at": enrolment.excluded_at,
                "by": enrolment.excluded_by.get_full_name() or enrolment.excluded_by.username,
                "reason": enrolment.exclusion_reason,
            }
            if enrolment.is_excluded
            else None
        ),
        "theory_passed": state.theory_passed,
        "driving_passed": state.driving_passed,
        "theory_funding": funding(TrancheKind.THEORY),
        "practical_funding": funding(TrancheKind.PRACTICAL),
        "pre_training": {
            "required_hours": float(state.pre_training_required_hours),
            "attended_hours": round(state.pre_training.attended_minutes / 60, 2),
            "attendance_rate": _rate(state.pre_training.attendance_rate),
            "completed": state.pre_training_completed,
        },
        "driving_attendance_rate": _rate(state.driving_stage.attendance_rate),
    }


def _read_enrolment(request: HttpRequest, enrolment_id: int) -> dict:
    enrolment = get_object_or_404(enrolments_for(request), pk=enrolment_id)
    return enrolment_out(enrolment, selectors.state_of(enrolment))


# ---- enrolments


@router.get("/enrolments", response=list[EnrolmentOut], summary="Lister les inscriptions")
@paginate(LimitOffsetPagination)
def list_enrolments(request: HttpRequest, status: str | None = None):
    enrolments = enrolments_for(request).order_by("-start_date", "-pk")
    if status:
        enrolments = enrolments.filter(status=status)
    return _EnrolmentPage(enrolments)


class _EnrolmentPage:
    """A queryset whose sliced page is shaped with every state computed in bulk."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page):
        enrolments = list(self.queryset[page])
        states = selectors.states_for(enrolments)
        return [enrolment_out(e, states[e.pk]) for e in enrolments]

    def __len__(self) -> int:
        return self.count()


@router.post("/enrolments", response={201: EnrolmentOut}, summary="Inscrire une personne")
def create_enrolment(request: HttpRequest, payload: EnrolmentIn):
    _require(request)
    pathway = Pathway.objects.for_user(request.user).filter(pk=payload.pathway_id).first()
    if pathway is None:
        raise InvalidInput(
            "Parcours inconnu : vérifiez pathway_id.", errors={"pathway_id": "Parcours inconnu."}
        )
    funders = {}
    for field in ("theory_funder_id", "practical_funder_id"):
        funder_id = getattr(payload, field)
        if funder_id is None:
            continue
        funders[field] = (
            Organisation.objects.for_user(request.user)
            .filter(pk=funder_id, kind=OrganisationKind.FUNDER)
            .first()
        )
        if funders[field] is None:
            raise InvalidInput("Financeur inconnu.", errors={field: "Financeur inconnu."})
    enrolment = services.enrolment_create(
        by=request.user,
        pathway=pathway,
        start_date=payload.start_date,
        theory_hours=payload.theory_hours,
        driving_hours=payload.driving_hours,
        hourly_rate=payload.hourly_rate,
        theory_funder=funders.get("theory_funder_id"),
        practical_funder=funders.get("practical_funder_id"),
        pre_training_hours=payload.pre_training_hours,
    )
    return Status(201, _read_enrolment(request, enrolment.pk))


@router.get("/enrolments/{enrolment_id}", response=EnrolmentOut, summary="Lire une inscription")
def get_enrolment(request: HttpRequest, enrolment_id: Id):
    return _read_enrolment(request, enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/agreement",
    response=EnrolmentOut,
    summary="Noter la signature du contrat pédagogique",
)
def sign_agreement(request: HttpRequest, enrolment_id: Id, payload: AgreementIn):
    enrolment = get_object_or_404(enrolments_for(request), pk=enrolment_id)
    services.enrolment_sign_agreement(
        by=request.user, enrolment=enrolment, signed_on=payload.signed_on
    )
    return _read_enrolment(request, enrolment_id)


# ---- the learning agreement signed on the tablet


def _agreement(request: HttpRequest, enrolment_id: int):
    enrolment = get_object_or_404(enrolments_for(request), pk=enrolment_id)
    return enrolment, school_signing.agreement_signable(enrolment)


def _agreement_proof(enrolment, signable) -> dict:
    return proof_out(
        signable,
        base_url=f"/api/v1/drivingschool/enrolments/{enrolment.pk}/learning-agreement",
    )


@router.get(
    "/enrolments/{enrolment_id}/learning-agreement",
    response=ProofOut,
    summary="Lire la preuve de signature du contrat pédagogique",
)
def learning_agreement_proof(request: HttpRequest, enrolment_id: Id):
    return _agreement_proof(*_agreement(request, enrolment_id))


@router.post(
    "/enrolments/{enrolment_id}/learning-agreement/signatures",
    response=ProofOut,
    summary="Signer le contrat pédagogique sur la tablette (images PNG en data URL)",
    description="`beneficiary` et/ou `staff` : les signatures dessinées, en « data URL » "
    "PNG. Le contrat est figé dès que les deux lignes sont signées (PDF avec signatures, "
    "noms, date et heure, empreinte SHA-256) et noté signé : la tranche 1 s'ouvre. Une "
    "inscription modifiée depuis la signature ouvre une nouvelle version. Image refusée : "
    "422 ; déjà signé sans changement : 409.",
)
def sign_learning_agreement(request: HttpRequest, enrolment_id: Id, payload: SignaturesIn):
    enrolment, _signable = _agreement(request, enrolment_id)
    school_signing.agreement_sign(
        enrolment=enrolment, by=request.user, staff_name=payload.staff_name, **payload.images()
    )
    return _agreement_proof(*_agreement(request, enrolment_id))


@router.post(
    "/enrolments/{enrolment_id}/learning-agreement/scan",
    response=ProofOut,
    summary="Joindre le scan du contrat pédagogique signé sur papier (multipart/form-data)",
    description="`file` : le scan (PDF, JPEG ou PNG). Il ferme la version en cours avec une "
    "preuve « papier » et note le contrat signé. Un fichier d'un autre type : 422.",
)
def scan_learning_agreement(request: HttpRequest, enrolment_id: Id, file: File[UploadedFile]):
    enrolment, _signable = _agreement(request, enrolment_id)
    school_signing.agreement_scan(enrolment=enrolment, by=request.user, file=file)
    return _agreement_proof(*_agreement(request, enrolment_id))


@router.get(
    "/enrolments/{enrolment_id}/learning-agreement/pdf",
    summary="Télécharger le contrat pédagogique signé (PDF figé)",
    openapi_extra=PDF_RESPONSE,
)
def learning_agreement_pdf(request: HttpRequest, enrolment_id: Id, version: int | None = None):
    _enrolment, signable = _agreement(request, enrolment_id)
    return signed_file(signable, which="pdf", version=version, by=request.user)


@router.get(
    "/enrolments/{enrolment_id}/learning-agreement/scan",
    summary="Télécharger le scan du contrat pédagogique signé sur papier",
    openapi_extra=SCAN_RESPONSE,
)
def learning_agreement_scan(request: HttpRequest, enrolment_id: Id, version: int | None = None):
    _enrolment, signable = _agreement(request, enrolment_id)
    return signed_file(signable, which="scan", version=version, by=request.user)


@router.post(
    "/enrolments/{enrolment_id}/exclude", response=EnrolmentOut, summary="Exclure du programme"
)
def exclude_enrolment(request: HttpRequest, enrolment_id: Id, payload: ExcludeIn):
    enrolment = get_object_or_404(enrolments_for(request), pk=enrolment_id)
    _require(request, DECISION_ROLES)
    services.enrolment_exclude(by=request.user, enrolment=enrolment, reason=payload.reason)
    return _read_enrolment(request, enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/exams",
    response={201: ExamOut},
    summary="Noter un passage d'examen",
)
def record_exam(request: HttpRequest, enrolment_id: Id, payload: ExamIn):
    enrolment = get_object_or_404(enrolments_for(request), pk=enrolment_id)
    attempt = services.exam_record(
        by=request.user,
        enrolment=enrolment,
        kind=payload.kind,
        exam_date=payload.date,
        passed=payload.passed,
    )
    return Status(201, attempt)


def _tranche(request: HttpRequest, enrolment_id: int, kind: str) -> FundingTranche:
    enrolment = get_object_or_404(enrolments_for(request), pk=enrolment_id)
    return get_object_or_404(FundingTranche, enrolment=enrolment, kind=kind)


@router.post(
    "/enrolments/{enrolment_id}/tranches/{kind}/release",
    response=EnrolmentOut,
    summary="Débloquer une tranche à la main (forcer : administrateur·rice, avec motif)",
)
def release_tranche(request: HttpRequest, enrolment_id: Id, kind: str, payload: ReleaseIn):
    tranche = _tranche(request, enrolment_id, kind)
    services.tranche_release(
        by=request.user, tranche=tranche, override_reason=payload.override_reason
    )
    return _read_enrolment(request, enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/tranches/{kind}/paid",
    response=EnrolmentOut,
    summary="Noter le versement d'une tranche par le financeur",
)
def pay_tranche(request: HttpRequest, enrolment_id: Id, kind: str, payload: PaidIn):
    tranche = _tranche(request, enrolment_id, kind)
    services.tranche_mark_paid(by=request.user, tranche=tranche, paid_on=payload.paid_on)
    return _read_enrolment(request, enrolment_id)


# ---- lessons and attendance


@router.get("/lessons", response=list[LessonOut], summary="Lister les séances")
@paginate(LimitOffsetPagination)
def list_lessons(
    request: HttpRequest,
    start: Moment | None = None,
    end: Moment | None = None,
    instructor_id: Id | None = None,
):
    lessons = lessons_for(request)
    if start:
        lessons = lessons.filter(start__gte=start)
    if end:
        lessons = lessons.filter(start__lt=end)
    if instructor_id:
        lessons = lessons.filter(instructor_id=instructor_id)
    return lessons.order_by("start", "pk")


@router.post("/lessons", response={201: LessonOut}, summary="Programmer une séance")
def create_lesson(request: HttpRequest, payload: LessonIn):
    _require(request)
    found = {
        enrolment.pk: enrolment
        for enrolment in Enrolment.objects.for_user(request.user)
        .select_related("platform")
        .filter(pk__in=payload.enrolment_ids)
    }
    missing = sorted(set(payload.enrolment_ids) - found.keys())
    if missing:
        raise InvalidInput(
            "Inscription(s) inconnue(s) : " + ", ".join(map(str, missing)) + ".",
            errors={"enrolment_ids": "Inscription(s) inconnue(s)."},
        )
    # As given, repetitions included: the service refuses a person given twice.
    enrolments = [found[enrolment_id] for enrolment_id in payload.enrolment_ids]
    platforms = {e.platform for e in enrolments}
    if len(platforms) > 1:
        raise InvalidInput(
            "Une séance réunit des personnes d'une seule plateforme.",
            errors={"enrolment_ids": "Plusieurs plateformes."},
        )
    instructor = None
    if payload.instructor_id is not None:
        instructor = User.objects.filter(pk=payload.instructor_id, is_active=True).first()
        if instructor is None:
            raise InvalidInput(
                "Moniteur·rice inconnu·e.", errors={"instructor_id": "Moniteur·rice inconnu·e."}
            )
    lesson = services.lesson_schedule(
        by=request.user,
        platform=platforms.pop() if platforms else None,
        kind=payload.kind,
        start=payload.start,
        duration_minutes=payload.duration_minutes,
        enrolments=enrolments,
        instructor=instructor,
    )
    return Status(201, lessons_for(request).get(pk=lesson.pk))


@router.get("/lessons/{lesson_id}", response=LessonOut, summary="Lire une séance")
def get_lesson(request: HttpRequest, lesson_id: Id):
    return get_object_or_404(lessons_for(request), pk=lesson_id)


@router.post("/lessons/{lesson_id}/cancel", response=LessonOut, summary="Annuler une séance")
def cancel_lesson(request: HttpRequest, lesson_id: Id, payload: LessonCancelIn):
    lesson = get_object_or_404(lessons_for(request), pk=lesson_id)
    services.lesson_cancel(by=request.user, lesson=lesson, reason=payload.reason)
    return lessons_for(request).get(pk=lesson_id)


@router.post(
    "/lessons/{lesson_id}/attendance",
    response=list[AttendanceOut],
    summary="Remplir la feuille d'émargement",
    description=(
        "Une ligne par personne ; `signature` (facultative) : la signature de la personne "
        "présente ou en retard, enregistrée avec les émargements, tout ou rien. La feuille "
        "se clôt ensuite par `POST /lessons/{lesson_id}/sheet/close`. Une feuille déjà close "
        "dont un émargement change ouvre une nouvelle version à signer (l'ancienne reste)."
    ),
)
def record_attendance(
    request: HttpRequest,
    lesson_id: Id,
    payload: list[AttendanceIn] = ATTENDANCE_SHEET,
):
    lesson = get_object_or_404(lessons_for(request), pk=lesson_id)
    services.attendance_sheet_submit(
        by=request.user,
        lesson=lesson,
        signatures=row_signatures(payload, lambda row: row.enrolment_id),
        rows=[
            services.AttendanceRow(
                enrolment_id=row.enrolment_id,
                status=row.status,
                late_minutes=row.late_minutes or None,
                reason=row.reason,
            )
            for row in payload
        ],
    )
    return Attendance.objects.filter(lesson_id=lesson_id).order_by("enrolment_id")


# ---- the signed attendance sheet


def _sheet(request: HttpRequest, lesson_id: int):
    lesson = get_object_or_404(lessons_for(request), pk=lesson_id)
    return lesson, selectors.sheet_of(lesson)


def _proof(sheet) -> dict:
    return sheet_proof_out(
        sheet, pdf_route="api:lesson_sheet_pdf", scan_route="api:lesson_sheet_scan"
    )


@router.get(
    "/lessons/{lesson_id}/sheet",
    response=SheetProofOut,
    summary="Lire la preuve de la feuille d'émargement",
    description="Quelle preuve existe (signée sur tablette, scan papier, pas encore), "
    "les lignes signées et les signatures qui manquent, les liens des fichiers.",
)
def lesson_sheet(request: HttpRequest, lesson_id: Id):
    _lesson, sheet = _sheet(request, lesson_id)
    return _proof(sheet)


@router.post(
    "/lessons/{lesson_id}/sheet/close",
    response=SheetProofOut,
    summary="Clore la feuille d'émargement par la signature du moniteur",
    description="Fige la feuille en PDF (chaque signature, nom, date et heure, empreinte "
    "du contenu). 422 s'il manque la signature d'une personne présente ou en retard, 409 "
    "si la feuille est déjà close et n'a pas changé.",
)
def lesson_sheet_close(request: HttpRequest, lesson_id: Id, payload: SheetCloseIn):
    lesson = get_object_or_404(lessons_for(request), pk=lesson_id)
    services.attendance_sheet_close(
        by=request.user, lesson=lesson, closing=decode_signature(payload.signature)
    )
    return _proof(selectors.sheet_of(lesson))


@router.get(
    "/lessons/{lesson_id}/sheet/pdf",
    url_name="lesson_sheet_pdf",
    summary="Télécharger le PDF de la feuille signée",
    description="Le PDF figé de la version close (404 tant qu'elle ne l'est pas) ; "
    "chaque lecture est inscrite au journal des consultations des personnes.",
    response={200: None},
)
def lesson_sheet_pdf(request: HttpRequest, lesson_id: Id):
    _lesson, sheet = _sheet(request, lesson_id)
    return sheet_file_response(sheet, which="pdf", user=request.user)


@router.get(
    "/lessons/{lesson_id}/sheet/scan",
    url_name="lesson_sheet_scan",
    summary="Télécharger le scan de la feuille signée sur papier",
    response={200: None},
)
def lesson_sheet_scan(request: HttpRequest, lesson_id: Id):
    _lesson, sheet = _sheet(request, lesson_id)
    return sheet_file_response(sheet, which="scan", user=request.user)
