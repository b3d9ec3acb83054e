"""Existing entries get their reversal key (one each: a callable default would give every
row the same value); existing payments are numbered 1, 2, 3... per platform in the order they
were recorded, and each platform's receipt counter starts after them."""

import uuid

from django.db import migrations


def give_existing_entries_a_reversal_key(apps, schema_editor):
    LedgerEntry = apps.get_model("fleet", "LedgerEntry")
    entries = list(LedgerEntry.objects.filter(reversal_key__isnull=True).only("pk"))
    for entry in entries:
        entry.reversal_key = uuid.uuid4()
    LedgerEntry.objects.bulk_update(entries, ["reversal_key"], batch_size=1000)


def number_existing_payments(apps, schema_editor):
    LedgerEntry = apps.get_model("fleet", "LedgerEntry")
    ReceiptCounter = apps.get_model("fleet", "ReceiptCounter")
    last_numbers = {}
    payments = list(
        LedgerEntry.objects.filter(kind="payment", receipt_number__isnull=True)
        .order_by("platform_id", "created_at", "pk")
        .only("pk", "platform_id")
    )
    for payment in payments:
        last_numbers[payment.platform_id] = last_numbers.get(payment.platform_id, 0) + 1
        payment.receipt_number = last_numbers[payment.platform_id]
    LedgerEntry.objects.bulk_update(payments, ["receipt_number"], batch_size=1000)
    for platform_id, last_number in last_numbers.items():
        ReceiptCounter.objects.create(platform_id=platform_id, last_number=last_number)


class Migration(migrations.Migration):

    dependencies = [
        ("fleet", "0002_ledger_corrections_receipts_columns"),
    ]

    operations = [
        migrations.RunPython(give_existing_entries_a_reversal_key, migrations.RunPython.noop),
        migrations.RunPython(number_existing_payments, migrations.RunPython.noop),
    ]
