"""Least privilege, walked: every page and API operation, for every role of the platform,
the same role on another platform, and anonymous, answers what the table says.

The table lists every URL name of the resolver and every operation of the OpenAPI schema:
a new page or operation without a line here fails the test. A second test renders every
page as every role and follows each internal link: none may lead to a 403. The Django
admin (/admin/) is walked model by model: platform administrators only, each on their own
platform's rows (tests/mobility/test_platform_admin.py goes further).
"""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accompaniment.models import Action, WorkshopSession
from diagnostics.models import Diagnostic
from documents import services as document_services
from documents.rules import DocumentKind
from drivingschool import services as school_services
from drivingschool.models import Enrolment, Lesson
from fleet import photos as fleet_photos
from fleet import services as fleet_services
from fleet import signing as fleet_signing
from fleet.enums import EntryKind, PaymentMethod, PhotoMoment, RentalStatus
from fleet.models import LedgerEntry, Rental, Vehicle
from imports import services as import_services
from mobility.admin_site import PlatformScoped
from mobility.demo_data import MAIN_PLATFORM, SECOND_PLATFORM
from mobility.enums import Role
from mobility.models import (
    ApiToken,
    Notification,
    Organisation,
    Pathway,
    Platform,
    SignedDocument,
    User,
)
from mobility.tokens import issue_token
from tests.factories import OrganisationFactory, member
from tests.fleet.photo_images import photo_bytes

pytestmark = pytest.mark.django_db

ROLES = [Role.ADMIN, Role.ADVISER, Role.FLEET, Role.INSTRUCTOR, Role.PRESCRIBER, Role.FUNDER]
# A reader is a role on the demo platform, "other <role>" on the second one, or anonymous.
ANONYMOUS = "anonymous"
READERS = [*ROLES, *(f"other {role}" for role in ROLES), ANONYMOUS]


@pytest.fixture
def world(demo_dataset, db):
    """The demo's rows are loaded once per module; the world's objects are fresh per test."""
    return World()


# The world ----------------------------------------------------------------------------------


class World:
    """The demo dataset, a second platform's staff for every role, and one object of the
    demo platform for each kind of id a URL takes."""

    def __init__(self):
        main = Platform.objects.get(name=MAIN_PLATFORM)
        second = Platform.objects.get(name=SECOND_PLATFORM)
        self.users = {
            role: User.objects.get(memberships__platform=main, memberships__role=role)
            for role in ROLES
        }
        for role in ROLES:
            found = User.objects.filter(memberships__platform=second, memberships__role=role)
            organisation = None
            if role in (Role.PRESCRIBER, Role.FUNDER):
                organisation = Organisation.objects.filter(platform=second).first()
                organisation = organisation or OrganisationFactory(platform=second)
            self.users[f"other {role}"] = found.first() or member(
                role, second, organisation=organisation if role == Role.PRESCRIBER else None
            )
        self.users[ANONYMOUS] = None
        notification = Notification.objects.filter(
            platform=main, referral__beneficiary__isnull=False
        ).first()
        self.referral = notification.referral
        self.notification = notification
        self.pathway = Pathway.objects.filter(platform=main, status="open").first()
        self.beneficiary = self.pathway.beneficiary
        self.diagnostic = Diagnostic.objects.filter(platform=main).completed().first()
        self.enrolment = Enrolment.objects.filter(platform=main).first()
        self.lesson = Lesson.objects.filter(platform=main).first()
        self.vehicle = Vehicle.objects.filter(platform=main).first()
        self.session = WorkshopSession.objects.filter(platform=main).first()
        self.action = Action.objects.filter(platform=main).first()
        self.rental = Rental.objects.filter(platform=main, end_date__isnull=True).first()
        self.payment = LedgerEntry.objects.filter(
            rental=self.rental, kind=EntryKind.PAYMENT
        ).first() or fleet_services.payment_record(
            by=self.users[Role.FLEET],
            rental=self.rental,
            day=self.rental.start_date,
            amount=Decimal("5.00"),
            method=PaymentMethod.CASH,
        )
        # The demo's returned rental (a bike with a damage), and a photo of its return.
        self.returned_rental = Rental.objects.filter(
            platform=main, status=RentalStatus.RETURNED
        ).first()
        self.photo = fleet_photos.photo_add(
            by=self.users[Role.FLEET],
            rental=self.returned_rental,
            moment=PhotoMoment.RETURN,
            item="body",
            file=ContentFile(photo_bytes((320, 240)), name="retour.jpg"),
        )
        # The demo lesson's sheet, signed on paper: its scan is a signed document's file.
        school_services.attendance_sheet_attach_scan(
            by=self.users[Role.INSTRUCTOR],
            lesson=self.lesson,
            file=ContentFile(b"%PDF-1.7\n%%EOF\n", name="feuille.pdf"),
        )
        self.lesson_sheet = SignedDocument.objects.of(self.lesson, "lesson_sheet").get()
        issue_token(user=self.users[Role.ADMIN], label="à révoquer")
        self.api_token = ApiToken.objects.filter(user=self.users[Role.ADMIN]).latest("pk")
        self.import_batch = import_services.batch_upload(
            by=self.users[Role.ADMIN],
            platform=main,
            filename="dossiers.csv",
            content=(
                "nom;prénom;date de naissance;sexe;commune\nDupont;Léa;14/03/1998;F;Sedan\n"
            ).encode(),
        )
        # A licence: the one kind fleet staff see besides the work contract.
        self.document = document_services.document_upload(
            beneficiary=self.beneficiary,
            by=self.users[Role.ADVISER],
            kind=DocumentKind.LICENCE,
            file=ContentFile(b"%PDF-1.7\n%%EOF\n", name="permis.pdf"),
            expires_on=None,
        )

        # The open rental's contract, signed on paper: its scan is the one signed file.
        self.signed_document = fleet_signing.contract_scan(
            rental=self.rental,
            by=self.users[Role.FLEET],
            file=ContentFile(b"%PDF-1.7\n%%EOF\n", name="contrat.pdf"),
        )

    def kwargs(self, name: str, pattern: str) -> dict:
        """The ids a page takes, from the names of its URL's parameters."""
        objects = {
            "referral": self.referral,
            "notification_resend": self.referral,
            "beneficiary": self.beneficiary,
            "pathway": self.pathway,
            "diagnostic": self.diagnostic,
            "drivingschool:enrolment": self.enrolment,
            "drivingschool:agreement": self.enrolment,
            "drivingschool:exam": self.enrolment,
            "drivingschool:tranche": self.enrolment,
            "drivingschool:attendance": self.lesson,
            "fleet:vehicle": self.vehicle,
            "fleet:rental_return_report": self.returned_rental,
            "fleet:rental": self.rental,
            "fleet:photo": self.photo,
            "fleet:checkin": self.rental,
            "fleet:payment": self.rental,
            "api_token": self.api_token,
            "fleet:ledger_entry": self.rental,
            "accompaniment:session": self.session,
            "accompaniment:registration": self.session,
            "accompaniment:attendance": self.session,
            "accompaniment:action_follow_up": self.action,
            "imports:": self.import_batch,
            "documents:upload": self.beneficiary,
            "documents:download": self.document,
            "signed_document_download": self.signed_document,
        }
        values = {
            "notification_pk": self.notification.pk,
            "pathway_pk": self.pathway.pk,
            "step": 1,
            "kind": "theory",
            "extension": "csv",
            "entry_pk": self.payment.pk,
            "uidb64": "MQ",
            "token": "not-a-token",
            "which": "scan",
        }
        kwargs = {}
        for parameter in re.findall(r"<(?:\w+:)?(\w+)>", pattern):
            if parameter == "pk":
                owner = next(o for prefix, o in objects.items() if name.startswith(prefix))
                kwargs["pk"] = owner.pk
            else:
                kwargs[parameter] = values[parameter]
        return kwargs

    def client(self, reader: str) -> Client:
        client = Client()
        user = self.users[reader]
        if user is not None:
            client.force_login(user)
        return client


def page_names() -> dict[str, str]:
    """Every named page of the site (URL name → pattern), the Django admin and API aside."""
    names = {}

    def walk(patterns, prefix="", namespace=None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in ("admin", "api"):
                    continue
                walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                names[name] = prefix + str(entry.pattern)

    walk(get_resolver().url_patterns)
    return names


def api_operations() -> dict[str, tuple[str, str]]:
    """Every operation of the API (operationId → method, path), from its OpenAPI schema."""
    from mobility.api import api

    schema = api.get_openapi_schema()
    return {
        operation["operationId"]: (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


# The table ----------------------------------------------------------------------------------

STAFF = {Role.ADMIN, Role.ADVISER, Role.FLEET, Role.INSTRUCTOR}
CASEWORK = {Role.ADMIN, Role.ADVISER}
SCHOOL = {Role.ADMIN, Role.ADVISER, Role.INSTRUCTOR}
FLEET = {Role.ADMIN, Role.ADVISER, Role.FLEET}
REFERRALS = {Role.ADMIN, Role.ADVISER, Role.PRESCRIBER}
REPORTS = {Role.ADMIN, Role.ADVISER, Role.FUNDER}
EVERYONE = set(ROLES)
SIGNED_IN = [reader for reader in READERS if reader != ANONYMOUS]


def row(
    allowed,
    *,
    mine=200,
    listing=False,
    gate=None,
    anonymous=302,
    **overrides,
) -> dict[str, int]:
    """The status each reader gets.

    `allowed` roles of the demo platform get `mine`; any other role, 403. The same roles on
    the other platform get 404 (the object is not theirs), or `mine` for a `listing` of
    their own platform. `gate` roles pass the door but not the object check: 403 on the
    demo platform, 404 on the other. Anonymous visitors are sent to sign in (302) or get
    401 from the API. `overrides` name single readers ("fleet", "other_admin"…).
    """
    gate = set(gate or allowed)
    statuses = {ANONYMOUS: anonymous}
    for role in ROLES:
        statuses[role] = mine if role in allowed else 403
        if role in allowed or role in gate:
            statuses[f"other {role}"] = mine if listing and role in allowed else 404
        else:
            statuses[f"other {role}"] = 403
    for reader, status in overrides.items():
        statuses[reader.replace("other_", "other ")] = status
    return statuses


def same(status) -> dict[str, int]:
    return dict.fromkeys(READERS, status)


# POST-only pages are sent an empty form: refused readers must never reach the action.
POSTED = {
    "logout",
    "referral_accept",
    "referral_decline",
    "referral_resend",
    "notification_resend",
    "pathway_close",
    "drivingschool:agreement_sign",
    "drivingschool:agreement_tablet_sign",
    "drivingschool:agreement_scan",
    "fleet:rental_contract_sign",
    "fleet:rental_contract_scan",
    "fleet:rental_return_sign",
    "fleet:rental_return_scan",
    "drivingschool:exam_record",
    "drivingschool:enrolment_exclude",
    "drivingschool:tranche_release",
    "drivingschool:tranche_paid",
    "fleet:vehicle_status",
    "fleet:payment_create",
    "fleet:rental_extend",
    "fleet:rental_microcredit",
    "api_token_revoke",
    "accompaniment:registration_create",
    "accompaniment:action_follow_up",
    "accompaniment:session_cancel",
    "imports:confirm",
    "drivingschool:attendance_sheet_scan",
    "accompaniment:attendance_sheet_scan",
}
# The form again with its errors (200, or 422 on the auto-école pages), or back to the
# page with a message (302).
ANSWERED = (200, 302, 422)

PAGES = {
    "home": {**same(302), Role.FUNDER: 200, f"other {Role.FUNDER}": 200},  # each to their work
    "login": {**same(302), ANONYMOUS: 200},
    "logout": same(302),
    "healthz": same(200),
    "favicon": same(301),
    # Public: a forgotten password, and the footer's pages (a followed person reads them).
    "password_reset": same(200),
    "password_reset_done": same(200),
    "password_reset_confirm": same(200),  # an invalid link says so, for anyone
    "password_reset_complete": same(200),
    "legal_notice": same(200),
    "accessibility": same(200),
    "privacy": same(200),
    "first_login": same(410),  # an invitation link that is not valid says so, for anyone
    # Fiches de liaison: the demo prescriber's organisation did not send this one (404).
    "referral_list": row(REFERRALS, listing=True),
    "referral_create": row(REFERRALS, listing=True),
    "referral_detail": row(REFERRALS, prescriber=404),
    "referral_accept": row(CASEWORK, mine=ANSWERED),
    "referral_decline": row(CASEWORK, mine=ANSWERED),
    # The referent's structure or the platform; this fiche is not expired (back to it).
    "referral_resend": row(REFERRALS, mine=ANSWERED, prescriber=404),
    "notification_resend": row(CASEWORK, mine=ANSWERED),
    # Beneficiary files: every staff role, each seeing its part (mobility/visibility.py).
    "beneficiary_list": row(STAFF, listing=True),
    "beneficiary_detail": row(STAFF),
    "beneficiary_erase": row({Role.ADMIN}),
    "beneficiary_personal_data_json": row({Role.ADMIN}),
    "beneficiary_personal_data_pdf": row({Role.ADMIN}),
    "pathway_close": row(CASEWORK, mine=ANSWERED),
    # Documents of a person: casework sees every kind, fleet staff the licence and the work
    # contract (the demo's is a licence); instructors, prescribers and funders none.
    "documents:upload": row(FLEET),
    "documents:download": row(FLEET),
    # Diagnostics: casework only; fleet staff and instructors pass the door, not the answers.
    "diagnostic_start": row(CASEWORK),
    "diagnostic_detail": row(CASEWORK, gate=STAFF),
    "diagnostic_pdf": row(CASEWORK, gate=STAFF),
    "diagnostic_step": row(CASEWORK, mine=302),  # a completed one shows its result
    "diagnostic_review": row(CASEWORK, mine=302),
    # Auto-école sociale.
    "drivingschool:home": row(SCHOOL, listing=True),
    "drivingschool:week": row(SCHOOL, listing=True),
    "drivingschool:enrolment_create": row(SCHOOL, listing=True),
    "drivingschool:lesson_create": row(SCHOOL, listing=True),
    "drivingschool:programme": row({Role.ADMIN}, listing=True),
    "drivingschool:enrolment_detail": row(SCHOOL),
    "drivingschool:agreement_pdf": row(SCHOOL),
    "drivingschool:attendance_sheet": row(SCHOOL),
    # An empty form: back to the sheet with a message.
    "drivingschool:attendance_sheet_scan": row(SCHOOL, mine=ANSWERED),
    "drivingschool:agreement_sign": row(SCHOOL, mine=ANSWERED),
    # The learning agreement signed on the tablet, or its paper scan (an empty form: 422).
    "drivingschool:agreement_tablet_sign": row(SCHOOL, mine=ANSWERED),
    "drivingschool:agreement_scan": row(SCHOOL, mine=ANSWERED),
    "drivingschool:exam_record": row(SCHOOL, mine=ANSWERED),
    "drivingschool:enrolment_exclude": row(CASEWORK, mine=ANSWERED),
    "drivingschool:tranche_release": row(CASEWORK, mine=ANSWERED),
    "drivingschool:tranche_paid": row(CASEWORK, mine=ANSWERED),
    # Flotte.
    "fleet:board": row(FLEET, listing=True),
    "fleet:vehicle_list": row(FLEET, listing=True),
    "fleet:rental_create": row(FLEET, listing=True),
    "fleet:rental_detail": row(FLEET),
    "fleet:rental_contract": row(FLEET),
    "fleet:checkin_create": row(FLEET),
    "fleet:rental_return": row(FLEET),
    "fleet:vehicle_status": row(FLEET, mine=ANSWERED),
    "fleet:payment_create": row(FLEET, mine=ANSWERED),
    "fleet:rental_extend": row(FLEET, mine=ANSWERED),
    "fleet:rental_microcredit": row(FLEET, mine=ANSWERED),
    "fleet:payment_receipt": row(FLEET),
    "fleet:ledger_entry_reverse": row(FLEET),
    # Only once a rental is returned; an open one sends back to its page.
    "fleet:rental_refund": row(FLEET, mine=ANSWERED),
    "fleet:rental_return_report": row(FLEET),
    # The contract and the return report signed on the tablet, or their paper scans.
    "fleet:rental_contract_sign": row(FLEET, mine=ANSWERED),
    "fleet:rental_contract_scan": row(FLEET, mine=ANSWERED),
    "fleet:rental_return_sign": row(FLEET, mine=ANSWERED),
    "fleet:rental_return_scan": row(FLEET, mine=ANSWERED),
    # A signed document's file: the roles that read its kind (a rental's: fleet roles);
    # other staff pass the door and find no document there (404).
    "signed_document_download": row(FLEET, gate=STAFF, instructor=404),
    # A photo of a vehicle and its thumbnail: fleet roles of the rental's platform.
    "fleet:photo": row(FLEET),
    "fleet:photo_thumb": row(FLEET),
    # Ateliers et actions d'accompagnement: casework only; fleet staff and instructors
    # do not manage workshops.
    "accompaniment:calendar": row(CASEWORK, listing=True),
    "accompaniment:week": row(CASEWORK, listing=True),
    "accompaniment:catalogue": row(CASEWORK, listing=True),
    "accompaniment:session_create": row(CASEWORK, listing=True),
    "accompaniment:session_detail": row(CASEWORK),
    "accompaniment:attendance_sheet": row(CASEWORK),
    "accompaniment:attendance_sheet_scan": row(CASEWORK, mine=ANSWERED),
    "accompaniment:session_cancel": row(CASEWORK, mine=ANSWERED),
    "accompaniment:registration_create": row(CASEWORK, mine=ANSWERED),
    "accompaniment:action_create": row(CASEWORK),
    "accompaniment:action_follow_up": row(CASEWORK, mine=ANSWERED),
    # API tokens: each account its own; the demo admin's token is revoked by its owner
    # only, any other reader does not see it.
    "api_tokens": row(EVERYONE, listing=True),
    "api_token_revoke": {**same(404), ANONYMOUS: 302, Role.ADMIN: ANSWERED},
    # Funders' reports: aggregates of their own platform.
    "reports:page": row(REPORTS, listing=True),
    "reports:export": row(REPORTS, listing=True),
    # A funder's signed attendance sheets name people: the platform's administrators only
    # (a funder account sees no personal data). The PDF of a platform without a funder
    # has nothing to choose (422).
    "sheet_audit": row({Role.ADMIN}, listing=True),
    "sheet_audit_pdf": row({Role.ADMIN}, listing=True, mine=(200, 422)),
    # The import of a platform's files: its administrators only.
    "imports:upload": row({Role.ADMIN}, listing=True),
    "imports:template_csv": row({Role.ADMIN}, listing=True),
    "imports:template_xlsx": row({Role.ADMIN}, listing=True),
    "imports:dry_run": row({Role.ADMIN}),
    "imports:confirm": row({Role.ADMIN}, mine=ANSWERED),
}

# Write operations are sent an empty body: the API checks it (422) before the role, so
# their line only proves that nobody gets in without signing in. Reads are walked fully.
WRITE = {**same(422), ANONYMOUS: 401}


def api_row(allowed, **options) -> dict[str, int]:
    return row(allowed, anonymous=401, **options)


API = {
    "mobility_core_api_list_organisations": api_row(EVERYONE, listing=True),
    "mobility_core_api_create_organisation": WRITE,
    "mobility_core_api_list_referrals": api_row(REFERRALS, listing=True),
    "mobility_core_api_create_referral": WRITE,
    "mobility_core_api_get_referral": api_row(REFERRALS, prescriber=404),
    # The fiche is accepted already (409) for those who may decide.
    "mobility_core_api_accept_referral": api_row(
        CASEWORK, mine=409, prescriber=404, other_prescriber=404
    ),
    "mobility_core_api_decline_referral": WRITE,
    # Only an expired fiche is sent again: this one is accepted (409).
    "mobility_core_api_resend_referral": api_row(
        REFERRALS, mine=409, prescriber=404, other_prescriber=404
    ),
    "mobility_core_api_list_beneficiaries": api_row(STAFF, listing=True),
    "mobility_core_api_get_beneficiary": api_row(STAFF),
    "mobility_core_api_get_pathway": api_row(STAFF),
    "mobility_core_api_close_pathway": WRITE,
    "diagnostics_api_get_questionnaire": api_row(STAFF, listing=True),
    "diagnostics_api_create_diagnostic": WRITE,
    "diagnostics_api_get_diagnostic": api_row(CASEWORK, gate=STAFF),
    "diagnostics_api_get_progress": api_row(CASEWORK, gate=STAFF),
    "drivingschool_api_list_enrolments": api_row(SCHOOL, listing=True),
    "drivingschool_api_create_enrolment": WRITE,
    "drivingschool_api_get_enrolment": api_row(SCHOOL),
    "drivingschool_api_sign_agreement": WRITE,
    # The learning agreement signed on the tablet: an empty post has no signature (422);
    # nothing is signed yet, so no PDF nor scan (404).
    "drivingschool_api_learning_agreement_proof": api_row(SCHOOL),
    "drivingschool_api_sign_learning_agreement": api_row(SCHOOL, mine=422),
    "drivingschool_api_scan_learning_agreement": WRITE,
    "drivingschool_api_learning_agreement_pdf": api_row(SCHOOL, mine=404),
    "drivingschool_api_learning_agreement_scan": api_row(SCHOOL, mine=404),
    "drivingschool_api_exclude_enrolment": WRITE,
    "drivingschool_api_record_exam": WRITE,
    # No body: the role is checked; the demo's first tranche is released already (409).
    "drivingschool_api_release_tranche": api_row(CASEWORK, mine=409, gate=SCHOOL),
    "drivingschool_api_pay_tranche": WRITE,
    "drivingschool_api_list_lessons": api_row(SCHOOL, listing=True),
    "drivingschool_api_create_lesson": WRITE,
    "drivingschool_api_get_lesson": api_row(SCHOOL),
    "drivingschool_api_cancel_lesson": WRITE,
    "drivingschool_api_record_attendance": WRITE,
    "drivingschool_api_lesson_sheet": api_row(SCHOOL),
    "drivingschool_api_lesson_sheet_close": WRITE,
    # The demo's lesson is signed on paper (World): a scan, no PDF (404).
    "drivingschool_api_lesson_sheet_pdf": api_row(SCHOOL, mine=404),
    "drivingschool_api_lesson_sheet_scan": api_row(SCHOOL),
    "fleet_api_list_vehicles": api_row(FLEET, listing=True),
    "fleet_api_create_vehicle": WRITE,
    "fleet_api_get_vehicle": api_row(FLEET),
    "fleet_api_set_vehicle_status": WRITE,
    # A person of another platform is an unknown beneficiary_id (422), as on the page.
    "fleet_api_quote": api_row(FLEET, other_admin=422, other_adviser=422, other_fleet=422),
    "fleet_api_list_rentals": api_row(FLEET, listing=True),
    "fleet_api_create_rental": WRITE,
    "fleet_api_get_rental": api_row(FLEET),
    "fleet_api_rental_ledger": api_row(FLEET),
    "fleet_api_create_checkin": WRITE,
    "fleet_api_create_payment": WRITE,
    "fleet_api_return_rental": WRITE,
    "fleet_api_checkins_due": api_row(FLEET, listing=True),
    "fleet_api_get_ledger_entry": api_row(FLEET),
    "fleet_api_ledger_entry_receipt": api_row(FLEET),
    "fleet_api_reverse_ledger_entry": WRITE,
    "fleet_api_create_refund": WRITE,
    "fleet_api_extend_rental": WRITE,
    "fleet_api_record_microcredit": WRITE,
    "fleet_api_add_photo": WRITE,
    "fleet_api_rental_photos": api_row(FLEET),
    "fleet_api_photo_file": api_row(FLEET),
    "fleet_api_photo_thumb": api_row(FLEET),
    # The contract is signed on paper (the world's scan): its scan is there, its PDF is
    # not; an empty post has no signature (422). The return report waits for the return.
    "fleet_api_contract_proof": api_row(FLEET),
    "fleet_api_sign_contract": api_row(FLEET, mine=422),
    "fleet_api_scan_contract": WRITE,
    "fleet_api_contract_pdf_file": api_row(FLEET, mine=404),
    "fleet_api_contract_scan_file": api_row(FLEET),
    "fleet_api_return_report_proof": api_row(FLEET),
    "fleet_api_sign_return_report": api_row(FLEET, mine=409),
    "fleet_api_scan_return_report": WRITE,
    "fleet_api_return_report_pdf_file": api_row(FLEET, mine=404),
    "fleet_api_return_report_scan_file": api_row(FLEET, mine=404),
    "mobility_reports_api_usage": api_row(REPORTS, listing=True),
    "documents_api_upload_document": WRITE,
    "documents_api_person_documents": api_row(FLEET),
    "documents_api_document_file": api_row(FLEET),
    # Its period and funder are required: without them, 422 before anything is read (the
    # roles are proven by tests/api/test_signed_sheets_api.py).
    "mobility_sheet_audit_api_signed_sheets": WRITE,
    "accompaniment_api_list_types": api_row(CASEWORK, listing=True),
    "accompaniment_api_create_type": WRITE,
    "accompaniment_api_list_sessions": api_row(CASEWORK, listing=True),
    "accompaniment_api_create_session": WRITE,
    "accompaniment_api_get_session": api_row(CASEWORK),
    "accompaniment_api_register": WRITE,
    "accompaniment_api_cancel_session": WRITE,
    "accompaniment_api_record_attendance": WRITE,
    "accompaniment_api_workshop_sheet": api_row(CASEWORK),
    "accompaniment_api_workshop_sheet_close": WRITE,
    "accompaniment_api_workshop_sheet_pdf": api_row(CASEWORK, mine=404),
    "accompaniment_api_workshop_sheet_scan": api_row(CASEWORK, mine=404),
    "accompaniment_api_list_pathway_actions": api_row(CASEWORK),
    "accompaniment_api_create_action": WRITE,
    "accompaniment_api_get_action": api_row(CASEWORK),
    # An empty follow-up has nothing to record (422) for those who may act.
    "accompaniment_api_follow_up_action": api_row(CASEWORK, mine=422),
}


# The walks ----------------------------------------------------------------------------------


def status_of(response) -> int:
    """The status, once a streamed answer (a document's file) is read and closed."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def answered(client: Client, method: str, url: str) -> int:
    if method == "GET":
        return status_of(client.get(url))
    return client.generic(method, url, "{}", content_type="application/json").status_code


def mismatches(table: dict, calls) -> list[str]:
    wrong = []
    for key, method, url, world in calls:
        for reader in READERS:
            expected = table[key][reader]
            status = answered(world.client(reader), method, url)
            if status not in (expected if isinstance(expected, tuple) else (expected,)):
                wrong.append(f"{key} as {reader}: {status}, expected {expected} ({url})")
    return wrong


def test_every_page_answers_each_reader_as_the_table_says(world):
    names = page_names()
    assert set(names) == set(PAGES), "every page needs a line in PAGES"
    calls = [
        (
            name,
            "POST" if name in POSTED else "GET",
            reverse(name, kwargs=world.kwargs(name, pattern)),
            world,
        )
        for name, pattern in sorted(names.items())
    ]
    wrong = mismatches(PAGES, calls)
    assert not wrong, "\n".join(wrong)


def test_every_api_operation_answers_each_reader_as_the_table_says(world):
    operations = api_operations()
    assert set(operations) == set(API), "every API operation needs a line in API"
    ids = {
        "referral_id": world.referral.pk,
        "beneficiary_id": world.beneficiary.pk,
        "pathway_id": world.pathway.pk,
        "diagnostic_id": world.diagnostic.pk,
        "enrolment_id": world.enrolment.pk,
        "kind": "theory",
        "lesson_id": world.lesson.pk,
        "vehicle_id": world.vehicle.pk,
        "rental_id": world.rental.pk,
        "entry_id": world.payment.pk,
        "session_id": world.session.pk,
        "action_id": world.action.pk,
        "photo_id": world.photo.pk,
        "document_id": world.document.pk,
    }
    query = {
        "fleet_api_quote": f"?beneficiary_id={world.beneficiary.pk}&kind={world.vehicle.kind}"
        "&start=2026-01-05&end=2026-01-12",
        "mobility_reports_api_usage": "?start=2026-01-01&end=2026-12-31",
    }
    calls = [
        (
            operation,
            method,
            re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path) + query.get(operation, ""),
            world,
        )
        for operation, (method, path) in sorted(operations.items())
    ]
    wrong = mismatches(API, calls)
    assert not wrong, "\n".join(wrong)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: set[str] = set()

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith("/") and not href.startswith("//"):
            self.hrefs.add(href)


# One test per reader: the walk is long, and the test processes share it out.
@pytest.mark.parametrize("reader", SIGNED_IN)
def test_no_link_on_any_page_leads_to_a_403(world, reader):
    refused = []
    client = world.client(reader)
    followed: set[str] = set()
    for name, pattern in sorted(page_names().items()):
        if name in POSTED:
            continue
        url = reverse(name, kwargs=world.kwargs(name, pattern))
        response = client.get(url)
        if status_of(response) != 200 or "html" not in response.get("Content-Type", ""):
            continue
        links = Links()
        links.feed(response.content.decode())
        for href in links.hrefs - followed:
            followed.add(href)
            if urlsplit(href).path.startswith(("/static/", "/admin/")):
                continue
            if status_of(client.get(href)) == 403:
                refused.append(f"{reader} on {url}: {href}")
    assert not refused, "\n".join(refused)


# The Django admin: a platform administrator's own back office ------------------------------

# Django's admin sends whoever may not enter to its sign-in page (302).
ADMIN_DOOR = {**same(302), Role.ADMIN: 200, f"other {Role.ADMIN}": 200}
ADMIN_TABLE = {
    "index": ADMIN_DOOR,
    # Each list shows the reader's own platform's rows.
    "managed list": ADMIN_DOOR,
    # A row of the demo platform: "not found" (back to the index) for the other platform.
    "managed row": {**ADMIN_DOOR, f"other {Role.ADMIN}": 302},
    # Platforms, daily jobs, questionnaires, groups: the operator's (superuser) only.
    "operator list": {**ADMIN_DOOR, Role.ADMIN: 403, f"other {Role.ADMIN}": 403},
}


def admin_calls(world: World):
    main = Platform.objects.get(name=MAIN_PLATFORM)
    calls = [("index", "GET", reverse("admin:index"), world)]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        managed = isinstance(model_admin, PlatformScoped) and model_admin.platform_admin_may
        if not managed:
            calls.append(("operator list", "GET", reverse(f"{name}_changelist"), world))
            continue
        calls.append(("managed list", "GET", reverse(f"{name}_changelist"), world))
        row = model._default_manager.filter(**{model_admin.platform_path: main}).first()
        if row is not None:
            calls.append(("managed row", "GET", reverse(f"{name}_change", args=[row.pk]), world))
    return calls


def test_the_django_admin_answers_each_reader_as_the_table_says(world):
    wrong = mismatches(ADMIN_TABLE, admin_calls(world))
    assert not wrong, "\n".join(wrong)
