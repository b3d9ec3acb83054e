from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from mobility.models import IdempotentRequest


def remembered(user, key, hours_ago):
    return IdempotentRequest.objects.create(
        user=user,
        key=key,
        method="POST",
        path="/api/v1/referrals",
        body_hash="0" * 64,
        status_code=201,
        response_body=b"{}",
        created_at=timezone.now() - timedelta(hours=hours_ago),
    )


def test_expired_responses_are_deleted_only_with_wet_run(adviser):
    remembered(adviser, "old", 49)
    fresh = remembered(adviser, "fresh", 1)

    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert "1 réponse(s) mémorisée(s) à supprimer" in out.getvalue()
    assert IdempotentRequest.objects.count() == 2

    call_command("purge_idempotency_keys", "--wet-run", stdout=StringIO())
    assert list(IdempotentRequest.objects.all()) == [fresh]
