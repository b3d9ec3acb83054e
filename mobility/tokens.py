"""API bearer tokens: a random secret shown once, stored as its SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from mobility.models import ApiToken, User


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(*, user: User, label: str = "") -> str:
    """Create a token for `user` and return it in clear, the only time it is known."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_digest(raw), label=label)
    return raw


def user_for_token(raw: str) -> User | None:
    """The active user behind a token, or None (unknown, revoked or deactivated)."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
