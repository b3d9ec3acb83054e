"""Ledger corrections and receipts, the new columns: a reason (reversals and refunds), a
reversal key (nullable until every existing entry has one), a receipt number, the refund
kind, and the per-platform receipt counter. The data and the constraints follow in the next
two migrations: PostgreSQL refuses to alter a table in the transaction that updated it."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


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
    ]
