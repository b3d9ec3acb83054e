"""Delete the remembered API responses older than IDEMPOTENCY_KEY_TTL_HOURS.

They hold whole responses, personal data included, and serve only while a tablet may
still retry: run this daily (cron). Without --wet-run it only says what it would do.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from mobility.models import IdempotentRequest


class Command(BaseCommand):
    help = "Supprime les réponses d'API mémorisées pour Idempotency-Key au-delà de leur durée."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wet-run", action="store_true", help="Supprimer vraiment (sinon : simulation)."
        )

    def handle(self, *args, wet_run: bool, **options):
        limit = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
        expired = IdempotentRequest.objects.filter(created_at__lt=limit)
        if wet_run:
            count, _ = expired.delete()
            self.stdout.write(f"{count} réponse(s) mémorisée(s) supprimée(s).")
        else:
            self.stdout.write(
                f"{expired.count()} réponse(s) mémorisée(s) à supprimer "
                "(simulation : relancez avec --wet-run pour supprimer)."
            )
