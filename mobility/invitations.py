"""Invitations: an administrator names a person and a role, the person chooses a password.

The account is created without a usable password and the e-mail carries a link built by
Django's token generator (its own salt, `INVITATION_TIMEOUT_DAYS` days). The token hashes
the password and the last sign-in, so the link serves once: choosing the password, or a
new invitation (which draws a new unusable password), makes every earlier link useless.
An invitation only ever grants a role on a platform the inviter administers.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from mobility.admin_site import administered_platform_ids, is_operator
from mobility.enums import ORGANISATION_ROLES, Role
from mobility.models import Membership, Organisation, Platform, User
from mobility.services import save_with_author


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token with its own salt and its own lifetime (a reset link and an
    invitation link are never interchangeable)."""

    key_salt = "mobility.invitations.InvitationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        made = [
            self._make_token_with_timestamp(user, ts, secret)
            for secret in [self.secret, *self.secret_fallbacks]
        ]
        if not any(constant_time_compare(candidate, token) for candidate in made):
            return False
        age = self._num_seconds(self._now()) - ts
        return age <= settings.INVITATION_TIMEOUT_DAYS * 24 * 3600


invitation_token = InvitationTokenGenerator()


def is_pending(user: User) -> bool:
    """Invited and not yet arrived: no password chosen, never signed in."""
    return user.is_active and not user.has_usable_password() and user.last_login is None


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token.make_token(user)
    return settings.SITE_URL.rstrip("/") + reverse("first_login", args=[uid, token])


def send_invitation(user: User, *, invited_by: User) -> None:
    """(Re)send the e-mail; a resend draws a new unusable password so older links die."""
    if not is_pending(user):
        raise ValidationError(_("%(name)s a déjà choisi son mot de passe.") % {"name": user})
    user.set_unusable_password()
    user._history_user = invited_by
    user.save(update_fields=["password"])
    context = {
        "user": user,
        "invited_by": invited_by,
        "link": invitation_link(user),
        "days": settings.INVITATION_TIMEOUT_DAYS,
        "roles": list(user.memberships.select_related("platform", "organisation")),
    }
    subject = render_to_string("mobility/emails/invitation_subject.txt", context).strip()
    body = render_to_string("mobility/emails/invitation.txt", context)
    # The link must not leave before the account it opens exists: an account whose
    # creation is rolled back sends nothing.
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Courriel"))
    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=150)
    platform = forms.ModelChoiceField(
        label=gettext_lazy("Plateforme"), queryset=Platform.objects.none()
    )
    # No role chosen in advance: an administrator's rights are never given by default.
    role = forms.ChoiceField(label=gettext_lazy("Rôle"), choices=[("", "---------"), *Role.choices])
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=gettext_lazy("Pour un·e prescripteur·rice ou un financeur seulement."),
    )

    def __init__(self, *args, inviter: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.inviter = inviter
        platforms = Platform.objects.filter(is_active=True)
        if not is_operator(inviter):
            platforms = platforms.filter(pk__in=administered_platform_ids(inviter))
        self.fields["platform"].queryset = platforms.order_by("name")
        self.fields["organisation"].queryset = Organisation.objects.filter(
            platform__in=platforms, archived_at__isnull=True
        ).order_by("name")
        if len(self.fields["platform"].queryset) == 1:
            self.fields["platform"].initial = self.fields["platform"].queryset[0].pk

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if (
            User.objects.filter(username__iexact=email).exists()
            or User.objects.filter(email__iexact=email).exists()
        ):
            raise ValidationError(
                _("Un compte existe déjà avec ce courriel : donnez-lui un rôle depuis sa fiche.")
            )
        return email

    def clean(self):
        data = super().clean()
        role, platform, organisation = (
            data.get("role"),
            data.get("platform"),
            data.get("organisation"),
        )
        if role in ORGANISATION_ROLES and organisation is None:
            self.add_error(
                "organisation", _("Ce rôle appartient à une organisation : choisissez-la.")
            )
        if role and role not in ORGANISATION_ROLES and organisation is not None:
            self.add_error("organisation", _("Ce rôle n'appartient à aucune organisation."))
        if platform and organisation and organisation.platform_id != platform.pk:
            self.add_error(
                "organisation", _("Cette organisation appartient à une autre plateforme.")
            )
        return data


@transaction.atomic
def invite(*, inviter: User, email, first_name, last_name, platform, role, organisation=None):
    """Create the account and its role, then send the link. The last word on scope: a
    platform the inviter does not administer is refused, whatever the form said."""
    if not is_operator(inviter) and platform.pk not in administered_platform_ids(inviter):
        raise PermissionDenied
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    save_with_author(user, by=inviter)
    save_with_author(
        Membership(user=user, platform=platform, role=role, organisation=organisation), by=inviter
    )
    send_invitation(user, invited_by=inviter)
    return user


def _user_from(uidb64) -> User | None:
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        return User.objects.get(pk=pk)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist, ValidationError):
        return None


@never_cache
@sensitive_post_parameters()
def first_login(request, uidb64, token):
    """The link of the invitation: choose a password, then straight to one's work."""
    user = _user_from(uidb64)
    valid = user is not None and is_pending(user) and invitation_token.check_token(user, token)
    if not valid:
        return render(request, "mobility/first_login_invalid.html", status=410)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "mobility/first_login.html", {"form": form, "invited": user})


urlpatterns = [
    path("bienvenue/<uidb64>/<token>/", first_login, name="first_login"),
]
