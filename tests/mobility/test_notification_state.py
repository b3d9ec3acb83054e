"""A notification's state is explicit and held by the database; the rows written before
the task queue get the state their history tells."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from mobility.models import Notification
from tests.factories import NotificationFactory, ReferralFactory

BEFORE = ("mobility", "0004_beneficiary_anonymised_at")


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "sent"},  # sent, but when?
        {"state": "pending", "sent_at": timezone.now()},
        {"state": "failed", "send_error": ""},  # a failure always says why
        {"attachment": "diagnostic_summary"},  # a file built from which diagnostic?
        {"attachment_object_id": 12},
    ],
    ids=["sent-without-date", "dated-but-pending", "failure-without-error", "kind", "object"],
)
def test_the_database_refuses_an_incoherent_notification(db, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationFactory(**fields)


@pytest.mark.django_db(transaction=True)
def test_notifications_written_before_the_queue_get_the_state_they_reached(prescriber_org):
    referral = ReferralFactory(prescriber=prescriber_org)
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps.get_model("mobility", "Notification")
        common = {
            "platform_id": referral.platform_id,
            "referral_id": referral.pk,
            "event": "referral_received",
            "recipient": referral.referent_email,
            "subject": "Fiche reçue",
            "body": "...",
        }
        sent = old.objects.create(**common, sent_at=timezone.now()).pk
        refused = old.objects.create(**common, send_error="Connexion SMTP refusée").pk
        unknown = old.objects.create(**common).pk
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    rows = Notification.objects.in_bulk([sent, refused, unknown])
    assert (rows[sent].state, rows[sent].attempts) == ("sent", 1)
    assert (rows[refused].state, rows[refused].send_error) == ("failed", "Connexion SMTP refusée")
    # Never known to have left: shown as a failure staff may resend, not sent unasked.
    assert rows[unknown].state == "failed"
    assert "à renvoyer si besoin" in rows[unknown].send_error
