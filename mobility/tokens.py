"""API bearer tokens: a random secret shown once, stored as its SHA-256, that works until
it expires or is revoked. Creating and revoking are the services below (history kept);
the « Jetons d'API » page, the admin and `manage.py create_api_token` call them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.models import ApiToken, User
from mobility.services import save_with_author
from mobility.templatetags.french_dates import format_date

# The operator's command may go beyond API_TOKEN_LIFETIME_DAYS, never beyond this.
MAX_LIFETIME_DAYS = 3650
LABEL_MAX_LENGTH = 100


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def lifetime_problem(days: int, *, maximum: int) -> str | None:
    """Why a token cannot last `days` days (None when it can)."""
    if days < 1:
        return "Un jeton dure au moins un jour."
    if days > maximum:
        return f"Un jeton dure au plus {maximum} jours."
    return None


def issue_token(
    *, user: User, label: str = "", days: int | None = None, by: User | None = None
) -> str:
    """A new token for `user`, in clear (api_token_create without the record)."""
    return api_token_create(user=user, label=label, days=days, by=by)[1]


@transaction.atomic
def api_token_create(
    *, user: User, label: str = "", days: int | None = None, by: User | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`: the record, and the token in clear, the only time it is
    known.

    `days` defaults to API_TOKEN_LIFETIME_DAYS, which is also the longest a person may
    choose on the site (`by`); the operator's command (no `by`) may choose up to ten years.
    """
    days = settings.API_TOKEN_LIFETIME_DAYS if days is None else days
    maximum = settings.API_TOKEN_LIFETIME_DAYS if by is not None else MAX_LIFETIME_DAYS
    problem = lifetime_problem(days, maximum=maximum)
    if problem:
        raise InvalidInput(problem, errors={"days": problem})
    label = label.strip()
    if len(label) > LABEL_MAX_LENGTH:
        message = f"Le libellé ne doit pas dépasser {LABEL_MAX_LENGTH} caractères."
        raise InvalidInput(message, errors={"label": message})
    if not user.is_active:
        raise InvalidInput("Ce compte est désactivé : il ne peut pas recevoir de jeton.")
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        key_hash=_digest(raw),
        label=label,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    save_with_author(token, by=by)
    return token, raw


def may_revoke(by: User, token: ApiToken) -> bool:
    return by.is_superuser or ApiToken.objects.for_user(by).filter(pk=token.pk).exists()


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token: by its owner, an administrator of a platform the owner belongs to,
    or the operator (superuser, in the Django admin)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not may_revoke(by, token):
        raise Forbidden(
            "Seul·es la personne titulaire du jeton et les administrateur·rices de sa "
            "plateforme peuvent le révoquer."
        )
    if token.revoked_at is not None:
        raise Conflict("Ce jeton est déjà révoqué.")
    token.revoked_at = timezone.now()
    token.revoked_by = by
    return save_with_author(token, by=by)


# The last use is written at most once a minute: a write (and a row lock) on every call
# of a busy tablet told the administrators nothing more.
LAST_USE_PRECISION = timedelta(minutes=1)


def user_for_token(raw: str) -> User | None:
    """The active user behind a usable token, or None (unknown, expired, revoked or
    deactivated: `refusal` says which)."""
    if not raw:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.usable(now)
        .select_related("user")
        .filter(key_hash=_digest(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or token.last_used_at <= now - LAST_USE_PRECISION:
        # The condition again in SQL: of two concurrent calls, one writes.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USE_PRECISION)
        ).update(last_used_at=now)
    return token.user


def _day(moment: datetime) -> str:
    return format_date(timezone.localtime(moment), "j F Y")


def refusal(raw: str) -> str | None:
    """Why a known token is refused, in French (None for an unknown one: nothing to say)."""
    if not raw:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_digest(raw)).first()
    if token is None:
        return None
    where = "demandez un nouveau jeton (page « Jetons d'API » du site)."
    if token.revoked_at is not None:
        return f"Ce jeton d'API a été révoqué le {_day(token.revoked_at)} : {where}"
    if token.expires_at <= timezone.now():
        return f"Ce jeton d'API a expiré le {_day(token.expires_at)} : {where}"
    if not token.user.is_active:
        return "Le compte de ce jeton d'API est désactivé."
    return None
