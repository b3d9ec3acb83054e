"""/admin/ per platform: each platform administrator manages their own platform there, by
their role alone, and never sees nor writes another platform's rows; the superuser is the
operator's and sees everything.

The world is the demo (its main platform holds a row of every kind) seen by `admin2`,
administrator of the second platform, and by `admin`, administrator of the main one.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Questionnaire
from drivingschool.models import Programme
from drivingschool.services import programme_for
from fleet import services as fleet_services
from fleet.models import EligibilityRule, FleetSettings, TariffGrid, Vehicle
from mobility.admin_site import PlatformScoped
from mobility.demo_data import MAIN_PLATFORM, SECOND_PLATFORM
from mobility.enums import ErasureReason, FileAccessChannel, OrganisationKind, Role
from mobility.models import (
    ApiToken,
    Beneficiary,
    Budget,
    ErasureRecord,
    FileAccess,
    JobRun,
    Membership,
    Organisation,
    Platform,
    User,
)
from mobility.tokens import issue_token
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

OPERATOR_ONLY = [Platform, JobRun, Questionnaire, Group]


class Demo:
    def __init__(self):
        self.main = Platform.objects.get(name=MAIN_PLATFORM)
        self.second = Platform.objects.get(name=SECOND_PLATFORM)
        self.admin = User.objects.get(username="admin")
        self.admin2 = User.objects.get(username="admin2")
        adviser = User.objects.get(username="conseiller")
        # Rows the demo does not make on the main platform: one of each kind is needed.
        issue_token(user=adviser, label="Logiciel de la mission locale")
        shipped = TariffGrid.objects.filter(platform__isnull=True).first()
        if not TariffGrid.objects.filter(platform=self.main).exists():
            fleet_services.grid_new_version(by=self.admin, grid=shipped, platform=self.main)
        beneficiary = Beneficiary.objects.filter(platform=self.main).first()
        FileAccess.objects.create(
            platform=self.main,
            beneficiary=beneficiary,
            user=adviser,
            channel=FileAccessChannel.PAGE,
        )
        ErasureRecord.objects.create(
            platform=self.main,
            beneficiary=beneficiary,
            reason=ErasureReason.PERSON_REQUEST,
            requested_by=self.admin,
        )

    def client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture
def demo(demo_dataset, db):
    """The demo's rows are loaded once per module; these objects are fresh for each test."""
    return Demo()


def scoped_admins():
    """Every model a platform administrator manages in /admin/, with its ModelAdmin."""
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, PlatformScoped) and model_admin.platform_admin_may
    ]


def url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def rows_of(model, model_admin, platform):
    """The rows of `platform` (a shipped grid belongs to nobody, so it is not counted)."""
    rows = model._default_manager.filter(**{model_admin.platform_path: platform})
    if model is User:  # an account of the main platform only
        rows = rows.exclude(memberships__platform__in=Platform.objects.exclude(pk=platform.pk))
    return rows.distinct().order_by("pk")


def test_every_managed_model_has_rows_on_the_main_platform(demo):
    """The walks below prove something only if each model has rows to hide."""
    empty = [m.__name__ for m, a in scoped_admins() if not rows_of(m, a, demo.main).exists()]
    assert not empty


# Entering -----------------------------------------------------------------------------


def test_both_demo_administrators_open_the_admin_of_their_own_platform(demo):
    for user, platform, other in (
        (demo.admin, demo.main, demo.second),
        (demo.admin2, demo.second, demo.main),
    ):
        assert not user.is_staff and not user.is_superuser
        page = demo.client(user).get(reverse("admin:index"))

        assert page.status_code == 200
        text = page.content.decode()
        assert platform.name in text  # the header names what they administer
        assert other.name not in text
        listed = {m["object_name"] for app in page.context["app_list"] for m in app["models"]}
        assert {"Organisation", "User", "Budget", "ApiToken", "TariffGrid", "Programme"} <= listed
        assert not listed & {m.__name__ for m in OPERATOR_ONLY}
        # The site's navigation leads there.
        assert (
            reverse("admin:index")
            in demo.client(user).get(reverse("home"), follow=True).content.decode()
        )


@pytest.mark.parametrize(
    "role", [Role.ADVISER, Role.FLEET, Role.INSTRUCTOR, Role.PRESCRIBER, Role.FUNDER]
)
def test_other_roles_get_no_admin(demo, role):
    user = User.objects.filter(memberships__platform=demo.main, memberships__role=role).first()
    client = demo.client(user)

    assert client.get(reverse("admin:index")).status_code == 302  # to the admin's sign-in
    assert client.get(url(Beneficiary, "changelist")).status_code == 302
    assert reverse("admin:index") not in client.get(reverse("home"), follow=True).content.decode()


def test_a_deactivated_platform_administrator_gets_no_admin(demo):
    demo.admin2.is_active = False
    demo.admin2.save()
    client = Client()
    client.force_login(demo.admin2)

    assert client.get(reverse("admin:index")).status_code == 302


def test_operator_models_stay_the_operators(demo):
    client = demo.client(demo.admin2)
    for model in OPERATOR_ONLY:
        assert client.get(url(model, "changelist")).status_code == 403, model.__name__
    assert client.get(url(Platform, "change", demo.second.pk)).status_code in (302, 403)


# Reading ------------------------------------------------------------------------------


def test_changelists_list_only_the_administrators_platform(demo):
    leaks = []
    for client, platform, foreign in (
        (demo.client(demo.admin2), demo.second, demo.main),
        (demo.client(demo.admin), demo.main, demo.second),
    ):
        for model, model_admin in scoped_admins():
            response = client.get(url(model, "changelist"))
            assert response.status_code == 200, model.__name__
            listed = set(response.context["cl"].queryset.values_list("pk", flat=True))
            mine = set(rows_of(model, model_admin, platform).values_list("pk", flat=True))
            theirs = set(rows_of(model, model_admin, foreign).values_list("pk", flat=True))
            if listed & theirs:
                leaks.append(f"{model.__name__} lists {foreign.name}'s rows to {platform.name}")
            if mine and not listed & mine:
                leaks.append(f"{model.__name__} lists none of {platform.name}'s own rows")
            if foreign.name in response.content.decode():
                leaks.append(f"{model.__name__} names {foreign.name} to {platform.name}")
    assert not leaks, "\n".join(leaks)


def test_another_platforms_rows_are_not_found_and_not_named(demo):
    client = demo.client(demo.admin2)
    leaks = []
    for model, model_admin in scoped_admins():
        obj = rows_of(model, model_admin, demo.main).last()
        for view in ("change", "history"):
            response = client.get(url(model, view, obj.pk), follow=True)
            text = response.content.decode()
            if response.status_code not in (200, 404) or (
                response.status_code == 200 and response.redirect_chain == []
            ):
                leaks.append(f"{model.__name__} {view}: {response.status_code}")
            if str(obj) in text or MAIN_PLATFORM in text:
                leaks.append(f"{model.__name__} {view} names the row")
    assert not leaks, "\n".join(leaks)


def test_past_versions_of_another_platforms_rows_are_not_found(demo):
    beneficiary = Beneficiary.objects.filter(platform=demo.main).first()
    version = beneficiary.history.earliest("history_date")
    client = demo.client(demo.admin2)

    response = client.get(url(Beneficiary, "simple_history", beneficiary.pk, version.history_id))

    assert response.status_code == 404
    assert beneficiary.last_name not in response.content.decode()
    assert client.get(url(Beneficiary, "history", "pas-un-nombre")).status_code == 404


def test_the_superuser_sees_every_platform(demo):
    operator = UserFactory(username="exploitant", is_staff=True, is_superuser=True)
    client = demo.client(operator)
    for model, model_admin in scoped_admins():
        changelist = client.get(url(model, "changelist")).context["cl"]
        listed = set(changelist.queryset.values_list("pk", flat=True))
        for platform in (demo.main, demo.second):
            rows = set(rows_of(model, model_admin, platform).values_list("pk", flat=True))
            assert not rows or listed & rows, (model.__name__, platform.name)
    for model in OPERATOR_ONLY:
        assert client.get(url(model, "changelist")).status_code == 200


# Writing ------------------------------------------------------------------------------


def counts() -> dict[str, int]:
    """Rows and history rows of every model a platform administrator may write."""
    found = {}
    for model, _ in scoped_admins():
        found[model.__name__] = model._default_manager.count()
        if hasattr(model, "history"):
            found[f"{model.__name__} history"] = model.history.count()
    found["Membership"] = Membership.objects.count()
    return found


def refused_then_accepted(client, path, forged: dict, honest: dict):
    """POST `forged`: a form error, nothing written; then `honest`: written."""
    before = counts()
    response = client.post(path, forged)
    assert response.status_code == 200, (path, response.status_code)
    assert response.context["errors"], path
    assert counts() == before, path
    response = client.post(path, honest)
    assert response.status_code == 302, (path, response.context and response.context["errors"])
    assert counts() != before, path


def grid_inlines() -> dict:
    return {
        f"{prefix}-{key}": value
        for prefix in ("steps", "reductions", "deposits")
        for key, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }


def test_adding_a_row_on_another_platform_is_refused_and_writes_nothing(demo):
    client = demo.client(demo.admin2)
    main_funder = Organisation.objects.get(
        platform=demo.main, name="Département des Ardennes", kind=OrganisationKind.FUNDER
    )
    own_funder = Organisation.objects.filter(
        platform=demo.second, kind=OrganisationKind.FUNDER
    ).first()
    cases = [
        (Organisation, {"name": "Garage solidaire", "kind": "partner", "siret": ""}, {}),
        (
            Vehicle,
            {
                "kind": "car",
                "label": "Twingo",
                "registration": "ZZ-123-ZZ",
                "site": "",
                "notes": "",
            },
            {},
        ),
        (
            EligibilityRule,
            {
                "kind": "car",
                "minimum_age": "18",
                "licence_minimum_months": "0",
                "contract_minimum_days": "0",
                "accepted_contracts": "[]",
            },
            {},
        ),
        (
            TariffGrid,
            {
                "code": "solidaire",
                "version": "1",
                "name": "Grille solidaire",
                "visit_frequency": "weekly",
                **grid_inlines(),
            },
            {},
        ),
        (
            Budget,
            {"label": "Subvention", "period_start": "2026-01-01", "period_end": "2026-12-31"},
            {"amount": "1000.00"},
        ),
    ]
    for model, data, extra in cases:
        data = {**data, **extra}
        refused_then_accepted(
            client,
            url(model, "add"),
            forged={**data, "platform": demo.main.pk},
            honest={**data, "platform": demo.second.pk},
        )
    # A foreign link that is not the platform: another platform's funder on a budget.
    data = {
        "label": "Autre",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "amount": "10.00",
        "platform": demo.second.pk,
    }
    refused_then_accepted(
        client,
        url(Budget, "add"),
        forged={**data, "funder": main_funder.pk},
        honest={**data, "funder": own_funder.pk},
    )


def test_changing_a_row_to_point_at_another_platform_is_refused(demo):
    client = demo.client(demo.admin2)
    settings = fleet_services.fleet_settings(demo.second)
    main_grid = TariffGrid.objects.filter(platform=demo.main).first()
    shipped = settings.tariff_grid
    data = {
        "platform": demo.second.pk,
        "km_allowance_percent": "110",
        "checkin_interval_days": "7",
        "km_alert_margin_percent": "10",
        "overdue_alert_days": "7",
    }

    refused_then_accepted(
        client,
        url(FleetSettings, "change", settings.pk),
        forged={**data, "tariff_grid": main_grid.pk},
        honest={**data, "tariff_grid": shipped.pk},
    )
    settings.refresh_from_db()
    assert settings.km_allowance_percent == Decimal("110")


def test_a_post_to_another_platforms_row_writes_nothing(demo):
    vehicle = Vehicle.objects.filter(platform=demo.main).first()
    client = demo.client(demo.admin2)  # signing in writes the account's history
    before = counts()

    response = client.post(
        url(Vehicle, "change", vehicle.pk),
        {"platform": demo.second.pk, "kind": "car", "label": "Volée", "registration": "X"},
    )

    assert response.status_code == 302  # to the index: "not found"
    assert counts() == before
    vehicle.refresh_from_db()
    assert vehicle.label != "Volée"


def test_an_action_on_another_platforms_rows_does_nothing(demo):
    token = ApiToken.objects.filter(user__username="conseiller").first()

    demo.client(demo.admin2).post(
        url(ApiToken, "changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )

    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_platform_administrator_revokes_their_members_tokens(demo):
    token = ApiToken.objects.filter(user__username="conseiller").first()

    response = demo.client(demo.admin).post(
        url(ApiToken, "changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == demo.admin


def test_copying_a_shipped_grid_gives_a_grid_of_the_administrators_platform(demo):
    shipped = TariffGrid.objects.filter(platform__isnull=True).first()
    before = TariffGrid.objects.filter(platform__isnull=True).count()

    demo.client(demo.admin2).post(
        url(TariffGrid, "changelist"), {"action": "new_version", "_selected_action": [shipped.pk]}
    )

    assert TariffGrid.objects.filter(platform__isnull=True).count() == before
    copy = TariffGrid.objects.filter(platform=demo.second, code=shipped.code).get()
    assert copy.steps.count() == shipped.steps.count()
    # A shipped grid is read, not changed, by a platform administrator.
    response = demo.client(demo.admin2).post(url(TariffGrid, "change", shipped.pk), {})
    assert response.status_code == 403


# Accounts -----------------------------------------------------------------------------


def membership_forms(*rows, initial: int = 0) -> dict:
    data = {
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data |= {f"memberships-{index}-{key}": value for key, value in row.items()}
    return data


def new_account(**extra) -> dict:
    return {
        "username": "nouvelle",
        "usable_password": "true",
        "password1": "Un-mot-de-passe-solide-2026",
        "password2": "Un-mot-de-passe-solide-2026",
        **extra,
    }


def test_a_platform_administrator_creates_an_account_with_a_role_on_their_platform(demo):
    client = demo.client(demo.admin2)
    adviser = {"platform": demo.second.pk, "role": Role.ADVISER, "organisation": ""}

    refused_then_accepted(
        client,
        url(User, "add"),
        forged=new_account(**membership_forms({**adviser, "platform": demo.main.pk})),
        honest=new_account(**membership_forms(adviser)),
    )

    user = User.objects.get(username="nouvelle")
    assert user.roles_on(demo.second.pk) == {Role.ADVISER}
    assert user.roles_on(demo.main.pk) == set()


def test_an_account_without_a_role_on_their_platform_is_not_created(demo):
    client = demo.client(demo.admin2)
    before = counts()

    response = client.post(url(User, "add"), new_account(**membership_forms()))

    assert response.status_code == 200
    assert counts() == before


def test_a_platform_administrator_cannot_raise_anyone_to_superuser(demo):
    client = demo.client(demo.admin2)
    adviser = User.objects.get(username="conseiller2")
    data = {
        "username": adviser.username,
        "first_name": "Mehdi",
        "last_name": "Benali",
        "email": adviser.email,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.create(name="tout").pk],
        "user_permissions": ["1"],
        **membership_forms(
            {
                "id": adviser.memberships.get().pk,
                "platform": demo.second.pk,
                "role": Role.ADVISER,
                "organisation": "",
            },
            initial=1,
        ),
    }

    for user in (adviser, demo.admin2):
        response = client.post(url(User, "change", user.pk), {**data, "username": user.username})
        assert response.status_code == 302
        user.refresh_from_db()
        assert not user.is_superuser and not user.is_staff
        assert not user.groups.exists() and not user.user_permissions.exists()
    created = client.post(
        url(User, "add"),
        new_account(
            is_superuser="on",
            is_staff="on",
            **membership_forms(
                {"platform": demo.second.pk, "role": Role.ADMIN, "organisation": ""}
            ),
        ),
    )
    assert created.status_code == 302
    user = User.objects.get(username="nouvelle")
    assert not user.is_superuser and not user.is_staff


def test_an_account_shared_with_another_platform_keeps_its_own_details(demo):
    """Of a person who also works for the main platform, admin2 changes only the role
    on the second: not the name, e-mail, password or activity the main platform uses."""
    shared = User.objects.get(username="conseiller")
    own = Membership.objects.create(user=shared, platform=demo.second, role=Role.FLEET)
    client = demo.client(demo.admin2)

    page = client.get(url(User, "change", shared.pk)).content.decode()
    assert MAIN_PLATFORM not in page
    assert (
        client.get(reverse("admin:auth_user_password_change", args=[shared.pk])).status_code == 403
    )
    listed = client.get(url(User, "changelist")).content.decode()
    assert MAIN_PLATFORM not in listed

    response = client.post(
        url(User, "change", shared.pk),
        {
            "first_name": "Usurpé",
            "email": "pirate@example.org",
            **membership_forms(
                {
                    "id": own.pk,
                    "platform": demo.second.pk,
                    "role": Role.ADVISER,
                    "organisation": "",
                },
                initial=1,
            ),
        },
    )

    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.first_name == "Julien" and shared.email != "pirate@example.org"
    assert shared.is_active
    assert shared.roles_on(demo.second.pk) == {Role.ADVISER}
    assert shared.roles_on(demo.main.pk) == {Role.ADVISER}


def test_a_role_on_another_platform_is_not_given(demo):
    account = member(Role.FLEET, demo.second)
    membership = account.memberships.get()
    main_org = Organisation.objects.filter(platform=demo.main, kind="prescriber").first()
    client = demo.client(demo.admin2)
    base = {
        "username": account.username,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "is_active": "on",
    }
    own_row = {
        "id": membership.pk,
        "platform": demo.second.pk,
        "role": Role.FLEET,
        "organisation": "",
    }

    for forged in (
        {"platform": demo.main.pk, "role": Role.ADMIN, "organisation": ""},
        {"platform": demo.second.pk, "role": Role.PRESCRIBER, "organisation": main_org.pk},
    ):
        before = counts()
        response = client.post(
            url(User, "change", account.pk),
            {**base, **membership_forms(own_row, forged, initial=1)},
        )
        assert response.status_code == 200
        assert counts() == before
    assert account.roles() == {Role.FLEET}


def test_the_users_list_shows_only_the_platforms_accounts(demo):
    response = demo.client(demo.admin2).get(url(User, "changelist"))

    usernames = {user.username for user in response.context["cl"].result_list}
    assert {"admin2", "conseiller2"} <= usernames
    assert not usernames & {"admin", "conseiller", "flotte", "prescripteur"}


def test_the_history_author_of_an_admin_change_is_the_platform_administrator(demo):
    vehicle = Vehicle.objects.filter(platform=demo.main).first()
    data = {
        "platform": demo.main.pk,
        "kind": vehicle.kind,
        "label": "Clio rouge",
        "registration": vehicle.registration,
        "site": vehicle.site,
        "notes": "",
    }

    response = demo.client(demo.admin).post(url(Vehicle, "change", vehicle.pk), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    latest = vehicle.history.latest("history_date")
    assert (latest.label, latest.history_user) == ("Clio rouge", demo.admin)
    assert latest.history_date <= timezone.now()


def test_reading_a_file_in_the_admin_is_in_the_consultation_log(demo):
    beneficiary = Beneficiary.objects.filter(platform=demo.main).first()

    response = demo.client(demo.admin).get(url(Beneficiary, "change", beneficiary.pk))
    demo.client(demo.admin2).get(url(Beneficiary, "change", beneficiary.pk))

    assert response.status_code == 200
    logged = FileAccess.objects.filter(beneficiary=beneficiary, channel=FileAccessChannel.ADMIN)
    assert list(logged.values_list("user__username", flat=True)) == ["admin"]


# The driving-school programme: the platform's numbers, through the service ---------------


def programme_form(programme, **changes) -> dict:
    data = {
        "name": programme.name,
        "hourly_rate": str(programme.hourly_rate),
        "attendance_threshold": str(programme.attendance_threshold),
        "exclusion_threshold": str(programme.exclusion_threshold),
        "excused_count_as_held": "on" if programme.excused_count_as_held else "",
        "theory_departmental_pass_rate": str(programme.theory_departmental_pass_rate or ""),
        "driving_departmental_pass_rate": str(programme.driving_departmental_pass_rate or ""),
        "suggested_hours": json.dumps(programme.suggested_hours),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_operator_reads_a_platforms_programme_but_does_not_change_it(demo):
    programme = programme_for(demo.main)
    operator = UserFactory(username="exploitant", is_staff=True, is_superuser=True)
    client = demo.client(operator)
    before = counts()

    page = client.get(url(Programme, "change", programme.pk))
    posted = client.post(url(Programme, "change", programme.pk), programme_form(programme))

    assert page.status_code == 200
    assert not page.context["has_change_permission"]  # shown read-only
    assert posted.status_code == 403  # refused, not a server error
    assert counts() == before


def test_a_wrong_number_in_the_programme_is_a_form_error_and_nothing_changes(demo):
    programme = programme_for(demo.main)
    client = demo.client(demo.admin)
    path = url(Programme, "change", programme.pk)
    before = counts()

    response = client.post(path, programme_form(programme, attendance_threshold="1.5"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["attendance_threshold"] == [
        "L'assiduité minimale est comprise entre 0 et 1."
    ]
    assert counts() == before
    programme.refresh_from_db()
    assert programme.attendance_threshold != Decimal("1.5")
    response = client.post(path, programme_form(programme, hourly_rate="41.50"))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.hourly_rate == Decimal("41.50")


# Organisations: one name per platform, whatever the case ----------------------------------


def organisation_form(platform, name: str, siret: str = "") -> dict:
    kind = OrganisationKind.PRESCRIBER
    return {"platform": platform.pk, "name": name, "kind": kind, "siret": siret}


def test_an_organisation_added_under_another_spelling_of_a_name_is_a_form_error(demo):
    existing = Organisation.objects.filter(platform=demo.main).first()
    client = demo.client(demo.admin)
    before = counts()

    response = client.post(
        url(Organisation, "add"), organisation_form(demo.main, f"  {existing.name.upper()}")
    )
    bad_siret = client.post(url(Organisation, "add"), organisation_form(demo.main, "Garage", "123"))

    assert response.status_code == 200
    assert "Une organisation de ce nom existe déjà sur cette plateforme." in str(
        response.context["adminform"].form.errors
    )
    assert bad_siret.status_code == 200
    assert "Le SIRET compte exactement 14 chiffres." in str(
        bad_siret.context["adminform"].form.errors
    )
    assert counts() == before


def test_renaming_an_organisation_to_another_ones_name_is_a_form_error(demo):
    first, second = Organisation.objects.filter(platform=demo.main).order_by("pk")[:2]
    client = demo.client(demo.admin)
    before = counts()

    response = client.post(
        url(Organisation, "change", second.pk),
        {"name": first.name.lower(), "kind": second.kind, "siret": second.siret},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [
        "Une organisation de ce nom existe déjà sur cette plateforme."
    ]
    assert counts() == before
    second.refresh_from_db()
    assert second.name != first.name.lower()
