"""The daily purge (purge_idempotency_keys) also forgets consumed one-time form tokens."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from mobility.models import FormSubmission


@pytest.mark.django_db
def test_the_purge_forgets_tokens_consumed_more_than_48_hours_ago(fleet_user):
    now = timezone.now()
    FormSubmission.objects.create(
        user=fleet_user, token="ancien", path="/", created_at=now - timedelta(hours=49)
    )
    recent = FormSubmission.objects.create(user=fleet_user, token="récent", path="/")

    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert "1 jeton(s) de formulaire consommé(s) à supprimer" in out.getvalue()
    assert FormSubmission.objects.count() == 2

    out = StringIO()
    call_command("purge_idempotency_keys", "--wet-run", stdout=out)
    assert "1 jeton(s) de formulaire consommé(s) supprimé(s)" in out.getvalue()
    assert list(FormSubmission.objects.all()) == [recent]
