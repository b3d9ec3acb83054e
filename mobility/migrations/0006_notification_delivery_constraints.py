from django.db import migrations, models


class Migration(migrations.Migration):
    """Constraints in a migration of their own: on PostgreSQL, an ALTER TABLE in the
    transaction that just updated the rows can fail on pending trigger events."""

    dependencies = [
        ('mobility', '0005_notification_delivery_state'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('sent_at__isnull', False), ('state', 'sent')), models.Q(models.Q(('state', 'sent'), _negated=True), ('sent_at__isnull', True)), _connector='OR'), name='notification_sent_iff_sent_at'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'failed'), _negated=True), models.Q(('send_error', ''), _negated=True), _connector='OR'), name='notification_failure_has_error'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('attachment', ''), ('attachment_object_id__isnull', True)), models.Q(models.Q(('attachment', ''), _negated=True), ('attachment_object_id__isnull', False)), _connector='OR'), name='notification_attachment_names_its_object'),
        ),
    ]
