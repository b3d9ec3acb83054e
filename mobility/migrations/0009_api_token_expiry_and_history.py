"""API tokens expire: existing tokens get created_at + API_TOKEN_LIFETIME_DAYS (a token
older than that is expired at once), and creation and revocation are kept in a history."""

import datetime

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def give_existing_tokens_an_expiry(apps, schema_editor):
    ApiToken = apps.get_model("mobility", "ApiToken")
    lifetime = datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=models.F("created_at") + lifetime
    )


class Migration(migrations.Migration):

    dependencies = [
        ('mobility', '0008_erasure_audit_consultation_log_referral_retention'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalApiToken',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('key_hash', models.CharField(db_index=True, max_length=64, verbose_name='empreinte SHA-256')),
                ('label', models.CharField(blank=True, max_length=100, verbose_name='libellé')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='créé le')),
                ('expires_at', models.DateTimeField(null=True, verbose_name='expire le')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='révoqué le')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': "historical jeton d'API",
                'verbose_name_plural': "historical jetons d'API",
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AlterModelOptions(
            name='apitoken',
            options={'ordering': ['-created_at', '-pk'], 'verbose_name': "jeton d'API", 'verbose_name_plural': "jetons d'API"},
        ),
        migrations.AddField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(null=True, verbose_name='expire le'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='revoked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='révoqué par'),
        ),
        migrations.RunPython(give_existing_tokens_an_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(verbose_name='expire le'),
        ),
        migrations.AlterField(
            model_name='historicalapitoken',
            name='expires_at',
            field=models.DateTimeField(verbose_name='expire le'),
        ),
        migrations.AddConstraint(
            model_name='apitoken',
            constraint=models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='api_token_expires_after_creation'),
        ),
        migrations.AddField(
            model_name='historicalapitoken',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalapitoken',
            name='revoked_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='révoqué par'),
        ),
        migrations.AddField(
            model_name='historicalapitoken',
            name='user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='utilisateur·rice'),
        ),
    ]
