import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mobility', '0006_notification_delivery_constraints'),
    ]

    operations = [
        migrations.CreateModel(
            name='JobRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('job', models.CharField(choices=[('anonymisation', 'anonymisation des personnes'), ('idempotency_purge', "purge des réponses mémorisées de l'API"), ('session_cleanup', 'suppression des sessions expirées'), ('notification_retry', 'relance des notifications en attente'), ('task_results_prune', 'ménage des tâches de fond terminées')], max_length=40, verbose_name='tâche')),
                ('day', models.DateField(verbose_name='jour')),
                ('manual', models.BooleanField(default=False, help_text='Relance forcée (run_daily_jobs --force), en plus de celle du jour.', verbose_name='relancée à la main')),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='commencée le')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='terminée le')),
                ('outcome', models.CharField(choices=[('running', 'en cours'), ('ok', 'réussie'), ('failed', 'échec')], default='running', max_length=10, verbose_name='résultat')),
                ('summary', models.CharField(blank=True, max_length=255, verbose_name='ce qui a été fait')),
                ('error', models.TextField(blank=True, verbose_name='erreur')),
            ],
            options={
                'verbose_name': "exécution d'une tâche quotidienne",
                'verbose_name_plural': 'exécutions des tâches quotidiennes',
                'ordering': ['-started_at', '-pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='jobrun',
            constraint=models.UniqueConstraint(condition=models.Q(('manual', False)), fields=('job', 'day'), name='job_run_once_a_day'),
        ),
        migrations.AddConstraint(
            model_name='jobrun',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('finished_at__isnull', True), ('outcome', 'running')), models.Q(models.Q(('outcome', 'running'), _negated=True), ('finished_at__isnull', False)), _connector='OR'), name='job_run_finished_iff_outcome'),
        ),
        migrations.AddConstraint(
            model_name='jobrun',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('outcome', 'failed'), _negated=True), models.Q(('error', ''), _negated=True), _connector='OR'), name='job_run_failure_has_error'),
        ),
    ]
