"""Ledger corrections and receipts, the invariants: a reversal points at the key of the
entry it cancels (one-to-one: reversed at most once; a reversal has no key, so it cannot be
reversed), carries the opposite amount and a reason; a refund has a reason and a method;
every payment has a receipt number, unique on its platform."""

import django.db.models.deletion
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('fleet', '0003_key_entries_number_payments'),
    ]

    operations = [
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
