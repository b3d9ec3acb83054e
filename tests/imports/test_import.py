"""The import of a platform's existing files: dry run, confirmation, idempotence, dates
kept in the reports, refusals per row in French, limits, scope, query counts."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from drivingschool.models import Enrolment, FundingTranche
from fleet.enums import RentalStatus
from fleet.models import Rental
from imports import services
from imports.columns import COLUMNS
from imports.models import ImportBatch
from mobility.enums import PathwayStatus, ReferralStatus, Role
from mobility.models import Beneficiary, Notification, Pathway, Referral
from mobility.reports.definition import usage_report
from mobility.reports.queries import Scope
from tests.conftest import logged_in
from tests.factories import BeneficiaryFactory, OrganisationFactory, member
from tests.fleet.conftest import VehicleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-11-20 10:00 +01:00")]

HEADER = [c.header for c in COLUMNS]


def line(**cells) -> list[str]:
    row = {
        "last_name": "Dupont",
        "first_name": "Léa",
        "birth_date": "14/03/1998",
        "sex": "F",
        "commune": "Sedan",
        "postal_code": "08200",
        "job_kind": "emploi",
        "received_on": "02/01/2024",
        "prescriber": "Mission locale de Sedan",
        "referent_name": "Paul Martin",
        "referent_email": "p.martin@example.org",
        "opened_on": "05/01/2024",
        "closed_on": "28/06/2024",
        "outcome": "CDI",
        "durable_solution": "oui",
        **cells,
    }
    return [row.get(c.key, "") for c in COLUMNS]


def as_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def as_xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def mission_locale(platform):
    return OrganisationFactory(platform=platform, name="Mission locale de Sedan")


@pytest.fixture
def clio(platform):
    return VehicleFactory(platform=platform, registration="AB-123-CD", label="Clio bleue")


def upload(client, content: bytes, name="dossiers.csv"):
    return client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile(name, content)}, follow=True
    )


def confirm(client, batch):
    return client.post(
        reverse("imports:confirm", args=[batch.pk]), {"sha256": batch.sha256}, follow=True
    )


def full_rows():
    return [
        line(
            vehicle="AB-123-CD",
            rental_start="08/01/2024",
            rental_end="31/03/2024",
            deposit="150",
            home_work_km="18",
            school_start="01/02/2024",
            theory_hours="10",
            driving_hours="20",
        ),
        line(
            last_name="Benali",
            first_name="Karim",
            birth_date="02/07/1985",
            sex="H",
            received_on="",
            prescriber="",
            referent_name="",
            referent_email="",
            opened_on="10/09/2025",
            closed_on="",
            outcome="",
            durable_solution="",
        ),
    ]


def test_the_dry_run_writes_nothing_and_the_confirmation_writes_it_all(
    admin_user, platform, mission_locale, clio
):
    client = logged_in(admin_user)

    page = upload(client, as_xlsx(full_rows()), name="dossiers.xlsx")

    text = page.content.decode()
    assert "Simulation de l'import" in text
    assert "2 lignes lues" in text
    assert Beneficiary.objects.count() == 0 and Pathway.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert batch.confirmed_at is None and len(bytes(batch.content)) > 0

    done = confirm(client, batch)

    assert "Import terminé" in done.content.decode()
    lea = Beneficiary.objects.get(first_name="Léa")
    assert lea.platform == platform and lea.postal_code == "08200"
    pathway = lea.pathways.get()
    assert (pathway.opened_on, pathway.closed_on) == (date(2024, 1, 5), date(2024, 6, 28))
    assert pathway.status == PathwayStatus.CLOSED and pathway.outcome == "cdi"
    referral = Referral.objects.get(beneficiary=lea)
    assert referral.received_on == date(2024, 1, 2)
    assert referral.status == ReferralStatus.CLOSED and referral.prescriber == mission_locale
    rental = Rental.objects.get()
    assert (rental.start_date, rental.end_date) == (date(2024, 1, 8), date(2024, 3, 31))
    assert rental.status == RentalStatus.RETURNED and rental.pathway == pathway
    clio.refresh_from_db()
    assert clio.status == "available"  # a past rental changes nothing of the vehicle now
    enrolment = Enrolment.objects.get()
    assert enrolment.start_date == date(2024, 2, 1) and enrolment.pathway == pathway
    assert FundingTranche.objects.filter(enrolment=enrolment).count() == 2
    karim = Beneficiary.objects.get(first_name="Karim")
    assert karim.pathways.get().status == PathwayStatus.OPEN
    assert not Referral.objects.filter(beneficiary=karim).exists()
    # Past files tell no referent anything.
    assert Notification.objects.count() == 0
    batch.refresh_from_db()
    assert batch.confirmed_at is not None and bytes(batch.content) == b""


def test_importing_the_same_file_twice_creates_nothing_twice(
    admin_user, platform, mission_locale, clio
):
    client = logged_in(admin_user)
    content = as_csv(full_rows())
    upload(client, content)
    confirm(client, ImportBatch.objects.get())
    models = (Beneficiary, Pathway, Referral, Rental, Enrolment)
    counts = [Model.objects.count() for Model in models]

    page = upload(client, content)

    assert "déjà là" in page.content.decode()
    assert "Confirmer l'import" not in page.content.decode()
    services.batch_confirm(
        by=admin_user, batch=ImportBatch.objects.latest("pk"),
        sha256=ImportBatch.objects.latest("pk").sha256,
    )  # fmt: skip
    again = [Model.objects.count() for Model in models]
    assert again == counts == [2, 2, 1, 1, 1]


def test_an_existing_person_is_found_by_name_key_and_birth_date(
    admin_user, platform, mission_locale
):
    known = BeneficiaryFactory(
        platform=platform, first_name="Lea", last_name="DUPONT", birth_date=date(1998, 3, 14)
    )
    client = logged_in(admin_user)
    upload(client, as_csv([line()]))
    confirm(client, ImportBatch.objects.get())

    assert Beneficiary.objects.count() == 1
    assert known.pathways.get().opened_on == date(2024, 1, 5)


def test_imported_records_count_in_the_reports_of_their_period(
    admin_user, platform, mission_locale, clio, settings
):
    settings.REPORT_SECRECY_THRESHOLD = 1  # nothing masked: the raw figures show
    client = logged_in(admin_user)
    upload(client, as_csv(full_rows()))
    confirm(client, ImportBatch.objects.get())

    def report(start, end):
        return usage_report(
            Scope(start=start, end=end, platform_ids=(platform.pk,), today=date(2026, 11, 20))
        ).data

    first_half_2024 = report(date(2024, 1, 1), date(2024, 6, 30))
    assert first_half_2024["referrals"]["total"] == 1
    assert first_half_2024["pathways"]["opened"] == 1
    assert first_half_2024["pathways"]["closed"] == 1
    assert first_half_2024["services"]["total"] == 2  # the rental and the enrolment
    later = report(date(2025, 9, 1), date(2025, 9, 30))
    assert later["referrals"]["total"] == 0
    assert later["pathways"]["opened"] == 1


def test_each_refused_row_says_why_in_french_with_its_number(
    admin_user, platform, mission_locale, other_platform
):
    foreign_vehicle = VehicleFactory(platform=other_platform, registration="ZZ-999-ZZ")
    rows = [
        line(),
        line(first_name="", birth_date="31/02/1990"),
        line(last_name="Martin", prescriber="Inconnue"),
        line(last_name="Petit", closed_on="01/01/2024"),
        line(last_name="Roux", vehicle=foreign_vehicle.registration, rental_start="08/01/2024",
             rental_end="01/02/2024"),
        line(last_name="Blanc", birth_date="01/01/2030"),
        line(last_name="Noir", outcome="", closed_on="28/06/2024"),
    ]  # fmt: skip
    client = logged_in(admin_user)

    text = upload(client, as_csv(rows)).content.decode()

    assert "6 lignes sont refusées" in text
    assert "« prénom » est obligatoire." in text
    assert "« date de naissance » n&#x27;est pas une date (JJ/MM/AAAA) : 31/02/1990." in text
    assert "Structure prescriptrice inconnue de la plateforme : Inconnue" in text
    assert "La clôture du parcours précède son ouverture." in text
    assert "Véhicule inconnu de la flotte de la plateforme : ZZ-999-ZZ." in text
    assert "La date de naissance ne peut pas être dans le futur." in text
    assert "« situation à la sortie » est obligatoire pour un parcours clôturé." in text
    plan = services.batch_plan(ImportBatch.objects.get())
    assert [r.number for r in plan.refused] == [3, 4, 5, 6, 7, 8]

    confirm(client, ImportBatch.objects.get())
    assert list(Beneficiary.objects.values_list("last_name", flat=True)) == ["Dupont"]


def test_a_second_open_pathway_for_one_person_is_refused(admin_user, platform, mission_locale):
    rows = [
        line(closed_on="", outcome="", durable_solution=""),
        line(opened_on="01/03/2024", received_on="", prescriber="", referent_name="",
             referent_email="", closed_on="", outcome="", durable_solution=""),
    ]  # fmt: skip
    table = services.read_table("a.csv", as_csv(rows))
    plan = services.plan(platform, table, today=date(2026, 11, 20))
    assert plan.rows[0].problems == []
    assert "déjà un parcours en cours" in plan.rows[1].problems[0]


def test_the_file_is_refused_whole_when_unreadable_or_too_big(admin_user, platform, settings):
    client = logged_in(admin_user)
    settings.IMPORT_MAX_ROWS = 2

    too_many = upload(client, as_csv([line(), line(), line()])).content.decode()
    assert "Le fichier compte 3 lignes ; 2 au plus par import" in too_many
    settings.IMPORT_MAX_BYTES = 100
    too_big = upload(client, as_csv([line()])).content.decode()
    assert "Le fichier dépasse 0 ko" in too_big
    settings.IMPORT_MAX_BYTES = 900_000
    wrong = upload(client, b"a;b\n1;2\n").content.decode()
    assert "il manque : « nom », « prénom »" in wrong
    broken = upload(client, b"PK\x03\x04 not a zip", name="x.xlsx").content.decode()
    assert "Ce fichier XLSX est illisible" in broken
    other = upload(client, b"%PDF", name="x.pdf").content.decode()
    assert "Déposez un fichier XLSX ou CSV" in other
    assert ImportBatch.objects.count() == 0


def test_a_changed_file_is_not_confirmed(admin_user, platform, mission_locale):
    client = logged_in(admin_user)
    upload(client, as_csv([line()]))
    batch = ImportBatch.objects.get()

    page = client.post(
        reverse("imports:confirm", args=[batch.pk]), {"sha256": "0" * 64}, follow=True
    )

    assert "Le fichier a changé depuis la simulation" in page.content.decode()
    assert Beneficiary.objects.count() == 0


def test_only_the_platform_administrators_import_and_only_for_their_platform(
    admin_user, platform, other_platform, mission_locale
):
    adviser = member(Role.ADVISER, platform)
    assert logged_in(adviser).get(reverse("imports:upload")).status_code == 403
    other_admin = member(Role.ADMIN, other_platform)
    upload(logged_in(admin_user), as_csv([line()]))
    batch = ImportBatch.objects.get()
    stranger = logged_in(other_admin)
    assert stranger.get(reverse("imports:dry_run", args=[batch.pk])).status_code == 404
    assert confirm(stranger, batch).status_code == 404
    # A forged platform is ignored: the file is for the administrator's own platform.
    logged_in(admin_user).post(
        reverse("imports:upload"),
        {"platform": other_platform.pk, "file": SimpleUploadedFile("a.csv", as_csv([line()]))},
    )
    assert ImportBatch.objects.get().platform == platform
    assert Beneficiary.objects.count() == 0


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_template_downloads_with_every_column(admin_user, extension):
    response = logged_in(admin_user).get(reverse(f"imports:template_{extension}"))

    assert response.status_code == 200
    if extension == "csv":
        header = response.content.decode("utf-8-sig").splitlines()[0].split(";")
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        header = [cell.value for cell in sheet[1]]
    assert header == HEADER


def test_the_filled_template_imports(admin_user, platform, mission_locale):
    content = logged_in(admin_user).get(reverse("imports:template_xlsx")).content
    VehicleFactory(platform=platform, registration="AB-123-CD")
    plan = services.plan(
        platform, services.read_table("modele.xlsx", content), today=date(2026, 11, 20)
    )
    assert [r.problems for r in plan.rows] == [[]]


@pytest.mark.parametrize("people", [3, 12])
def test_the_confirmation_costs_a_fixed_number_of_queries_per_row(
    admin_user, platform, mission_locale, clio, people, django_assert_max_num_queries
):
    rows = [
        line(last_name=f"Personne{n}", vehicle="AB-123-CD", rental_start=f"{n + 8:02d}/01/2024",
             rental_end=f"{n + 8:02d}/01/2024", school_start="01/02/2024", theory_hours="5",
             driving_hours="5")
        for n in range(people)
    ]  # fmt: skip
    client = logged_in(admin_user)
    upload(client, as_csv(rows))
    batch = ImportBatch.objects.get()

    # Per row: person, fiche, pathway, rental, enrolment and two tranches, each with its
    # history row; the lookups are a fixed number whatever the rows.
    with django_assert_max_num_queries(25 + 14 * people):
        services.batch_confirm(by=admin_user, batch=batch, sha256=batch.sha256)
    assert Beneficiary.objects.count() == people
