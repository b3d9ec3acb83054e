import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobility import services
from mobility.enums import Role
from mobility.models import (
    ApiToken,
    Beneficiary,
    Notification,
    Organisation,
    Pathway,
    Platform,
    Referral,
    User,
)
from mobility.rules import identity_key
from mobility.tokens import issue_token, user_for_token
from tests.conftest import logged_in
from tests.factories import OrganisationFactory, ReferralFactory, UserFactory, member
from tests.nothing_written import nothing_written

HISTORISED = [Platform, Organisation, User, Beneficiary, Referral, Pathway]
REGISTERED = [*HISTORISED, Notification, ApiToken]
NEVER_DELETED = [Beneficiary, Referral, Pathway, Notification]


@pytest.fixture
def superuser(db):
    return UserFactory(username="superviseur", is_staff=True, is_superuser=True)


@pytest.fixture
def client(superuser):
    return logged_in(superuser)


def add_rows(platform, adviser, count: int) -> None:
    """`count` more rows in every registered table: people with a closed pathway, the
    notifications they produced, organisations, accounts with a role and API tokens."""
    for _ in range(count):
        prescriber = OrganisationFactory(platform=platform)
        referral = ReferralFactory(prescriber=prescriber)
        accepted = services.referral_accept(referral=referral, by=adviser)
        services.pathway_close(
            pathway=accepted.pathway,
            by=adviser,
            closed_on=accepted.pathway.opened_on,
            outcome="cdd",
            durable_solution=True,
        )
        issue_token(user=member(Role.PRESCRIBER, organisation=prescriber))


@pytest.fixture
def rows(platform, adviser):
    add_rows(platform, adviser, 2)


def url(model, view: str, *args) -> str:
    return reverse(f"admin:mobility_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_a_superuser_opens_each_changelist_and_change_page(client, rows, model):
    obj = model.objects.order_by("pk").last()

    assert client.get(url(model, "changelist")).status_code == 200
    assert client.get(url(model, "changelist"), {"q": "a"}).status_code == 200
    assert client.get(url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", HISTORISED, ids=lambda m: m.__name__)
def test_a_superuser_sees_the_history_of_each_record(client, rows, model):
    obj = model.objects.order_by("pk").last()

    response = client.get(url(model, "history", obj.pk))

    assert response.status_code == 200
    assert obj.history.exists()


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_changelist_queries_do_not_grow_with_rows(client, platform, adviser, model):
    add_rows(platform, adviser, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(model, "changelist")).status_code == 200

    add_rows(platform, adviser, 5)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(model, "changelist")).status_code == 200

    assert len(many) == len(few)


def test_a_person_page_costs_the_same_queries_for_1_or_5_pathways(client, platform, adviser):
    referral = services.referral_accept(
        referral=ReferralFactory(prescriber=OrganisationFactory(platform=platform)), by=adviser
    )
    person = referral.pathway.beneficiary
    page = url(Beneficiary, "change", person.pk)
    client.get(page)  # the first page of the process caches the content types
    with CaptureQueriesContext(connection) as one:
        assert client.get(page).status_code == 200

    opened_on = referral.pathway.opened_on
    for _ in range(4):
        Pathway.objects.create(
            platform=platform,
            beneficiary=person,
            status="closed",
            opened_on=opened_on,
            closed_on=opened_on,
            outcome="cdd",
            durable_solution=True,
        )
    with CaptureQueriesContext(connection) as five:
        response = client.get(page)
    assert response.status_code == 200
    assert response.content.decode().count("Parcours n°") >= 5
    assert len(five) == len(one), "\n".join(q["sql"][:300] for q in five.captured_queries)


@pytest.mark.parametrize("model", NEVER_DELETED, ids=lambda m: m.__name__)
def test_staff_cannot_delete_people_or_their_records(client, superuser, rows, rf, model):
    obj = model.objects.first()
    request = rf.get("/")
    request.user = superuser
    model_admin = admin.site._registry[model]

    assert not model_admin.has_delete_permission(request, obj)
    assert "delete_selected" not in model_admin.get_actions(request)
    with nothing_written():
        assert client.get(url(model, "delete", obj.pk)).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", [Beneficiary, Referral, Pathway], ids=lambda m: m.__name__)
def test_workflow_records_are_not_created_in_the_admin(client, model):
    with nothing_written():
        assert client.get(url(model, "add")).status_code == 403


def test_history_cannot_be_reverted_behind_the_services_back(client, rows):
    referral = Referral.objects.first()
    first_version = referral.history.earliest("history_date")

    response = client.post(
        url(Referral, "simple_history", referral.pk, first_version.history_id), {}
    )

    assert response.status_code == 403
    version_url = url(Referral, "simple_history", referral.pk, first_version.history_id)
    assert client.get(version_url).status_code == 200  # looking stays allowed
    referral.refresh_from_db()
    assert referral.status == "closed"


def test_a_referral_status_is_read_only_in_the_admin(client, rows, superuser, rf):
    request = rf.get("/")
    request.user = superuser
    model_admin = admin.site._registry[Referral]

    assert {"status", "decided_by", "pathway", "platform"} <= set(
        model_admin.get_readonly_fields(request, Referral.objects.first())
    )


def test_revoking_tokens_cuts_their_access(client, superuser):
    raw = issue_token(user=superuser, label="Tablette")
    token = ApiToken.objects.get()

    response = client.post(
        url(ApiToken, "changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 jeton révoqué." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert user_for_token(raw) is None


def test_tokens_are_created_only_by_the_command(client, superuser):
    response = client.get(url(ApiToken, "changelist"))

    with nothing_written():
        assert client.get(url(ApiToken, "add")).status_code == 403
    assert "create_api_token" in response.content.decode()


def test_correcting_a_name_keeps_duplicate_detection_right(client, rows):
    beneficiary = Beneficiary.objects.first()
    data = {
        field: getattr(beneficiary, field) or ""
        for field in ("first_name", "birth_date", "sex", "commune", "postal_code", "phone")
    }
    data |= {"last_name": "Benoît-Lefort", "birth_date": beneficiary.birth_date.isoformat()}
    data |= {  # the pathway inline's management form
        "pathways-TOTAL_FORMS": "1",
        "pathways-INITIAL_FORMS": "1",
        "pathways-MIN_NUM_FORMS": "0",
        "pathways-MAX_NUM_FORMS": "1000",
        "pathways-0-id": str(beneficiary.pathways.get().pk),
        "pathways-0-beneficiary": str(beneficiary.pk),
    }

    response = client.post(url(Beneficiary, "change", beneficiary.pk), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    beneficiary.refresh_from_db()
    assert beneficiary.identity_key == identity_key(beneficiary.first_name, "benoit lefort")
    assert beneficiary.history.latest("history_date").history_user.username == "superviseur"


def test_a_role_is_given_in_the_user_page(client, platform):
    user = UserFactory(username="nouvelle")
    data = {
        "username": "nouvelle",
        "first_name": "Lina",
        "last_name": "Ait",
        "email": "lina@example.org",
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-platform": str(platform.pk),
        "memberships-0-role": Role.ADVISER,
        "memberships-0-organisation": "",
    }

    response = client.post(url(User, "change", user.pk), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert user.roles() == {Role.ADVISER}


def test_the_history_reads_in_french(client, rows):
    referral = Referral.objects.first()

    page = client.get(url(Referral, "history", referral.pk)).content.decode()

    assert "reçue" in page and "acceptée" in page and "clôturée" in page
    assert "pk=None" not in page
