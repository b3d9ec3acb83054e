"""Delete the remembered API responses older than IDEMPOTENCY_KEY_TTL_HOURS.

They hold whole responses, personal data included, and serve only while a tablet may
still retry. The daily job `idempotency_purge` (mobility/jobs.py) runs the same service
every night. Without --wet-run it only says what it would do.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from mobility import services


class Command(BaseCommand):
    help = "Supprime les réponses d'API mémorisées pour Idempotency-Key au-delà de leur durée."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wet-run", action="store_true", help="Supprimer vraiment (sinon : simulation)."
        )

    def handle(self, *args, wet_run: bool, **options):
        now = timezone.now()
        if wet_run:
            count = services.idempotency_keys_purge(now=now)
            self.stdout.write(f"{count} réponse(s) mémorisée(s) supprimée(s).")
        else:
            expired = services.expired_idempotency_keys(now=now).count()
            self.stdout.write(
                f"{expired} réponse(s) mémorisée(s) à supprimer "
                "(simulation : relancez avec --wet-run pour supprimer)."
            )
