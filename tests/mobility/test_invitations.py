"""An administrator invites a person by e-mail with a role on their platform; the person
chooses a password through a single-use, expiring link and lands on their work."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from mobility.enums import Role
from mobility.invitations import is_pending
from mobility.models import Membership, User
from tests.conftest import logged_in
from tests.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db

INVITE = "admin:mobility_user_invite"
PASSWORD = "Vélo-Sedan-2027!"


def committed():
    """Run what waits for the commit (the e-mail), as the end of a real request would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def invite(client, platform, **fields):
    data = {
        "email": "lea.petit@example.org",
        "first_name": "Léa",
        "last_name": "Petit",
        "platform": platform.pk,
        "role": Role.FLEET,
        "organisation": "",
        **fields,
    }
    with committed():
        return client.post(reverse(INVITE), data)


def resend(client, user):
    with committed():
        return client.post(
            reverse("admin:mobility_user_changelist"),
            {"action": "resend_invitation", "_selected_action": [user.pk]},
            follow=True,
        )


def link_in(message) -> str:
    return re.search(r"http://localhost:8000(/bienvenue/\S+/)", message.body).group(1)


def test_an_invited_person_chooses_a_password_and_lands_on_their_work(admin_user, platform):
    response = invite(logged_in(admin_user), platform)

    assert response.status_code == 302
    user = User.objects.get(email="lea.petit@example.org")
    assert user.username == "lea.petit@example.org"
    assert not user.has_usable_password() and is_pending(user)
    assert list(user.memberships.values_list("platform_id", "role")) == [(platform.pk, "fleet")]
    (message,) = mail.outbox
    assert message.to == ["lea.petit@example.org"]
    assert "Bonjour Léa Petit" in message.body
    assert "agent·e de flotte" in message.body

    person = Client()
    page = person.get(link_in(message)).content.decode()
    assert "Bienvenue, Léa Petit" in page
    done = person.post(link_in(message), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302 and done.url == reverse("home")
    assert person.get(reverse("home")).url == reverse("fleet:board")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    # Single use: the link now says so, in French, and changes nothing.
    again = Client().get(link_in(message))
    assert again.status_code == 410
    assert "Ce lien d'invitation n'est plus valable" in again.content.decode()


def test_a_weak_password_is_refused_in_french(admin_user, platform):
    invite(logged_in(admin_user), platform)
    link = link_in(mail.outbox[0])

    response = Client().post(link, {"new_password1": "lea", "new_password2": "lea"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in page
    assert is_pending(User.objects.get(email="lea.petit@example.org"))


def test_an_expired_link_says_so_and_a_resend_gives_a_new_one(admin_user, platform, settings):
    settings.INVITATION_TIMEOUT_DAYS = 7
    client = logged_in(admin_user)
    invite(client, platform)
    old_link = link_in(mail.outbox[0])
    user = User.objects.get(email="lea.petit@example.org")

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        expired = Client().get(old_link)
        assert expired.status_code == 410
        assert "a expiré" in expired.content.decode()

        client = logged_in(admin_user)
        resend(client, user)
        new_link = link_in(mail.outbox[1])
        assert Client().get(new_link).status_code == 200
        # The resend made the first link useless even before its expiry date.
    assert Client().get(old_link).status_code == 410


def test_a_resend_kills_the_earlier_link(admin_user, platform):
    client = logged_in(admin_user)
    invite(client, platform)
    user = User.objects.get(email="lea.petit@example.org")
    resend(client, user)

    first, second = (link_in(m) for m in mail.outbox)
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200


def test_no_resend_once_the_password_is_chosen(admin_user, platform):
    adviser = member(Role.ADVISER, platform)
    client = logged_in(admin_user)

    response = resend(client, adviser)

    assert mail.outbox == []
    assert "mot de passe déjà choisi" in response.content.decode()


def test_an_invitation_cannot_grant_a_role_on_another_platform(
    admin_user, platform, other_platform
):
    response = invite(logged_in(admin_user), other_platform)

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not User.objects.filter(email="lea.petit@example.org").exists()
    assert not Membership.objects.filter(platform=other_platform, role=Role.FLEET).exists()
    assert mail.outbox == []


def test_nor_an_organisation_of_another_platform(admin_user, platform, other_platform):
    foreign = OrganisationFactory(platform=other_platform)

    response = invite(
        logged_in(admin_user), platform, role=Role.PRESCRIBER, organisation=foreign.pk
    )

    assert response.status_code == 200
    assert not User.objects.filter(email="lea.petit@example.org").exists()


def test_a_prescriber_needs_an_organisation(admin_user, platform, prescriber_org):
    client = logged_in(admin_user)

    refused = invite(client, platform, role=Role.PRESCRIBER)
    assert "Ce rôle appartient à une organisation" in refused.content.decode()

    invite(client, platform, role=Role.PRESCRIBER, organisation=prescriber_org.pk)
    membership = Membership.objects.get(user__email="lea.petit@example.org")
    assert membership.organisation == prescriber_org


def test_an_existing_address_is_refused(admin_user, platform):
    member(Role.ADVISER, platform, email="lea.petit@example.org")

    response = invite(logged_in(admin_user), platform)

    assert "Un compte existe déjà avec ce courriel" in response.content.decode()
    assert mail.outbox == []


def test_other_roles_cannot_invite(adviser, platform):
    response = invite(logged_in(adviser), platform)

    assert response.status_code == 302  # to the admin's sign-in page
    assert not User.objects.filter(email="lea.petit@example.org").exists()


def test_a_forged_link_is_refused():
    assert Client().get("/bienvenue/MTIz/abc-def/").status_code == 410
    assert Client().get("/bienvenue/!!!/abc-def/").status_code == 410


def test_the_link_leaves_only_once_the_account_is_saved_and_the_history_names_the_inviter(
    admin_user, platform
):
    with TestCase.captureOnCommitCallbacks(execute=False) as waiting:
        logged_in(admin_user).post(
            reverse(INVITE),
            {
                "email": "lea.petit@example.org",
                "first_name": "Léa",
                "last_name": "Petit",
                "platform": platform.pk,
                "role": Role.FLEET,
                "organisation": "",
            },
        )
    # Not sent while the transaction may still roll back the account.
    assert mail.outbox == [] and len(waiting) == 1
    user = User.objects.get(email="lea.petit@example.org")
    assert user.history.earliest().history_user == admin_user
    assert Membership.objects.get(user=user).history.get().history_user == admin_user
