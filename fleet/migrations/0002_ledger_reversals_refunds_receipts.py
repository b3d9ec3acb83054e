"""Ledger corrections and receipts: reversals (an entry of the opposite amount pointing at
the entry it cancels), refunds, a reason on both, and a receipt number on every payment,
sequential per platform. Existing entries get their reversal key; existing payments are
numbered in the order they were recorded, and each platform's counter starts after them."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


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
        LedgerEntry.objects.filter(kind="payment")
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
        ('fleet', '0001_vehicles_grids_rentals_ledger'),
        ('mobility', '0004_beneficiary_anonymised_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReceiptCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_number', models.PositiveIntegerField(default=0, verbose_name='dernier n° de reçu')),
            ],
            options={
                'verbose_name': 'compteur des reçus',
                'verbose_name_plural': 'compteurs des reçus',
            },
        ),
        migrations.RemoveConstraint(
            model_name='ledgerentry',
            name='fleet_ledger_amount_positive',
        ),
        migrations.RemoveConstraint(
            model_name='ledgerentry',
            name='fleet_ledger_kind_valid',
        ),
        migrations.RemoveConstraint(
            model_name='ledgerentry',
            name='fleet_ledger_money_in_has_method',
        ),
        migrations.AddField(
            model_name='historicalledgerentry',
            name='reason',
            field=models.TextField(blank=True, help_text='Obligatoire pour une contre-passation ou un remboursement.', verbose_name='motif'),
        ),
        migrations.AddField(
            model_name='historicalledgerentry',
            name='receipt_number',
            field=models.PositiveIntegerField(blank=True, help_text='Chaque paiement reçoit le numéro suivant de sa plateforme.', null=True, verbose_name='n° de reçu'),
        ),
        migrations.AddField(
            model_name='historicalledgerentry',
            name='reversal_key',
            field=models.UUIDField(blank=True, db_index=True, default=uuid.uuid4, editable=False, null=True, verbose_name='clé de contre-passation'),
        ),
        migrations.AddField(
            model_name='ledgerentry',
            name='reason',
            field=models.TextField(blank=True, help_text='Obligatoire pour une contre-passation ou un remboursement.', verbose_name='motif'),
        ),
        migrations.AddField(
            model_name='ledgerentry',
            name='receipt_number',
            field=models.PositiveIntegerField(blank=True, help_text='Chaque paiement reçoit le numéro suivant de sa plateforme.', null=True, verbose_name='n° de reçu'),
        ),
        migrations.AddField(
            model_name='ledgerentry',
            name='reversal_key',
            field=models.UUIDField(blank=True, editable=False, null=True, verbose_name='clé de contre-passation'),
        ),
        # A callable default gives every existing row the same value: one key per row.
        migrations.RunPython(give_existing_entries_a_reversal_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='ledgerentry',
            name='reversal_key',
            field=models.UUIDField(blank=True, default=uuid.uuid4, editable=False, null=True, unique=True, verbose_name='clé de contre-passation'),
        ),
        migrations.AddField(
            model_name='ledgerentry',
            name='reverses',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversal', to='fleet.ledgerentry', to_field='reversal_key', verbose_name="contre-passe l'écriture"),
        ),
        migrations.AddField(
            model_name='historicalledgerentry',
            name='reverses',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='fleet.ledgerentry', to_field='reversal_key', verbose_name="contre-passe l'écriture"),
        ),
        migrations.AlterField(
            model_name='historicalledgerentry',
            name='kind',
            field=models.CharField(choices=[('charge', 'montant dû'), ('payment', 'paiement'), ('deposit_in', 'caution reçue'), ('deposit_refund', 'caution rendue'), ('deposit_retained', 'caution retenue'), ('damage', 'dommage'), ('refund', 'remboursement')], max_length=20, verbose_name='nature'),
        ),
        migrations.AlterField(
            model_name='ledgerentry',
            name='kind',
            field=models.CharField(choices=[('charge', 'montant dû'), ('payment', 'paiement'), ('deposit_in', 'caution reçue'), ('deposit_refund', 'caution rendue'), ('deposit_retained', 'caution retenue'), ('damage', 'dommage'), ('refund', 'remboursement')], max_length=20, verbose_name='nature'),
        ),
        migrations.AddField(
            model_name='receiptcounter',
            name='platform',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='mobility.platform', verbose_name='plateforme'),
        ),
        migrations.RunPython(number_existing_payments, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('amount__gt', 0), ('reversal_key__isnull', False), ('reverses__isnull', True)), models.Q(('amount__lt', 0), ('reversal_key__isnull', True), ('reverses__isnull', False)), _connector='OR'), name='fleet_ledger_amount_positive_or_reversed'),
        ),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('reverses__isnull', True), models.Q(('kind', 'refund'), _negated=True)), models.Q(('reason', ''), _negated=True), _connector='OR'), name='fleet_ledger_correction_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['charge', 'payment', 'deposit_in', 'deposit_refund', 'deposit_retained', 'damage', 'refund'])), name='fleet_ledger_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ['payment', 'deposit_in', 'refund']), _negated=True), models.Q(('method', ''), _negated=True), _connector='OR'), name='fleet_ledger_money_moved_has_method'),
        ),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'payment'), ('receipt_number__gte', 1), ('receipt_number__isnull', False), ('reverses__isnull', True)), models.Q(models.Q(('kind', 'payment'), ('reverses__isnull', True), _negated=True), ('receipt_number__isnull', True)), _connector='OR'), name='fleet_ledger_payment_has_receipt_number'),
        ),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.UniqueConstraint(condition=models.Q(('receipt_number__isnull', False)), fields=('platform', 'receipt_number'), name='fleet_ledger_receipt_number_unique_per_platform'),
        ),
    ]
