"""One-time form tokens: a page that writes money or attendance records it once, however
many times the form is sent (a double tap on a tablet, a resend after a timeout, the back
button then « Envoyer » again).

The form carries a signed random token, made when it is rendered. The first successful
submission records the token (FormSubmission) in the same transaction as what the form
writes; the unique constraint turns away a second one, even a concurrent one, whose whole
transaction is then rolled back. A second submission is sent to where the first one led,
with ALREADY_SENT. A failed submission (a form error) records nothing: the same form can
be corrected and sent again.

The token is signed with a timestamp and refused after IDEMPOTENCY_KEY_TTL_HOURS, the age
after which the purge (manage.py purge_idempotency_keys) forgets consumed tokens: a token
the purge has forgotten can no longer be sent.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from mobility.models import FormSubmission

FIELD_NAME = "form_token"
SALT = "mobility.form_tokens"
ALREADY_SENT = _("Ce formulaire a déjà été envoyé : rien n'a été enregistré deux fois.")
EXPIRED = _(
    "Ce formulaire était ouvert depuis trop longtemps : vérifiez-le, puis envoyez-le de nouveau."
)
INVALID = _("Ce formulaire n'a pas pu être vérifié : vérifiez-le, puis envoyez-le de nouveau.")


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def lifetime() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def new_token() -> str:
    return _signer().sign(secrets.token_urlsafe(24))


class TokenInput(forms.HiddenInput):
    """Each rendering of an unsent form gets its own token: one form object shown twice
    on a page (once per funding tranche) makes two forms that are each sent once."""

    def format_value(self, value):
        return value or new_token()


class OneTimeForm(forms.Form):
    """A form with the hidden one-time token. Its errors are the form's own (shown above
    the fields), and a refused token is replaced so that sending again works."""

    form_token = forms.CharField(widget=TokenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        value = self.data.get(FIELD_NAME, "")
        if not value:
            # Every page renders the token (tests check each one); a post without one
            # (a page cached from before this protection, a script) is taken unguarded,
            # as before: the guard is against accidents, and whoever posts can always
            # fetch a fresh form anyway.
            cleaned[FIELD_NAME] = None
            return cleaned
        try:
            cleaned[FIELD_NAME] = _signer().unsign(value, max_age=lifetime())
        except signing.SignatureExpired:
            self._renew_token(EXPIRED)
        except signing.BadSignature:
            self._renew_token(INVALID)
        return cleaned

    def _renew_token(self, message) -> None:
        # The page shown again carries a fresh token, the person's input kept.
        self.data = self.data.copy()
        self.data[FIELD_NAME] = new_token()
        self.add_error(None, message)


class AlreadySubmitted(Exception):  # noqa: N818 (a signal for the view, not an error)
    def __init__(self, result_url: str):
        super().__init__(result_url)
        self.result_url = result_url


def _consumed(request: HttpRequest) -> FormSubmission | None:
    try:
        token = _signer().unsign(request.POST.get(FIELD_NAME, ""), max_age=lifetime())
    except signing.BadSignature:
        return None  # the form says what is wrong
    return FormSubmission.objects.filter(user=request.user, token=token).first()


def _already_sent(request: HttpRequest, result_url: str):
    messages.warning(request, ALREADY_SENT)
    return redirect(result_url or request.path)


def one_time_form(view):
    """On a POST whose token was already consumed, record nothing and go to the result.

    Checked before the view looks at anything, so that a second « Retour » is told it was
    already sent rather than that the rental is closed. Under `role_required`."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and request.user.is_authenticated:
            previous = _consumed(request)
            if previous is not None:
                return _already_sent(request, previous.result_url)
        try:
            return view(request, *args, **kwargs)
        except AlreadySubmitted as already:  # a concurrent twin committed first
            return _already_sent(request, already.result_url)

    return wrapper


@contextmanager
def submission(
    request: HttpRequest, form: OneTimeForm, *, result_url: str = ""
) -> Iterator[FormSubmission]:
    """Consume the form's token around what the form writes, in one transaction.

    Set `.result_url` on the yielded record when it is known only after the write. Raises
    AlreadySubmitted, with nothing written, when the token was consumed meanwhile."""
    token = form.cleaned_data[FIELD_NAME]
    if token is None:
        with transaction.atomic():
            yield FormSubmission(result_url=result_url)  # unguarded: nothing recorded
        return
    with transaction.atomic():
        try:
            with transaction.atomic():
                # First, so that a concurrent twin waits here for this one to finish.
                record = FormSubmission.objects.create(
                    user=request.user, token=token, path=request.path, result_url=result_url
                )
        except IntegrityError:
            first = FormSubmission.objects.filter(user=request.user, token=token).first()
            raise AlreadySubmitted(first.result_url if first else "") from None
        yield record
        if record.result_url != result_url:
            record.save(update_fields=["result_url"])


def purge(*, now: datetime) -> int:
    """Forget the tokens consumed more than IDEMPOTENCY_KEY_TTL_HOURS ago; how many."""
    count, _deleted = expired(now=now).delete()
    return count


def expired(*, now: datetime):
    return FormSubmission.objects.filter(created_at__lt=now - lifetime())
