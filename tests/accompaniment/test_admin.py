"""The catalogue in the Django admin: renamed or retired through the service, never
deleted, code and kind untouched."""

import pytest
from django.urls import reverse

from accompaniment.models import ActionType
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    return admin_user


def test_a_platform_admin_retires_an_entry_and_the_history_names_them(staff_admin, catalogue):
    fuel = catalogue["fuel_aid"]
    url = reverse("admin:accompaniment_actiontype_change", args=[fuel.pk])
    response = logged_in(staff_admin).post(
        url, {"label": "Aide au carburant (chèques)", "answers": '["rental_car"]', "archived": "on"}
    )
    assert response.status_code == 302
    fuel.refresh_from_db()
    assert fuel.label == "Aide au carburant (chèques)" and fuel.archived_at is not None
    assert fuel.history.first().history_user == staff_admin
    assert not ActionType.objects.active().filter(pk=fuel.pk).exists()


def test_answers_that_are_not_codes_are_refused_on_the_form(staff_admin, catalogue):
    coaching = catalogue["coaching"]
    url = reverse("admin:accompaniment_actiontype_change", args=[coaching.pk])
    response = logged_in(staff_admin).post(url, {"label": "Coaching", "answers": '{"a": 1}'})
    assert response.status_code == 200
    assert "Une liste de codes est attendue" in response.content.decode()
    coaching.refresh_from_db()
    assert coaching.label == "Accompagnement individuel"
