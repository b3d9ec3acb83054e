"""Delete the remembered API responses older than IDEMPOTENCY_KEY_TTL_HOURS, and the
one-time form tokens consumed as long ago.

They hold whole responses, personal data included, and serve only while a tablet may
still retry; a form token past that age is refused anyway (mobility.form_tokens). The
daily job `idempotency_purge` (mobility/jobs.py) runs the same service every night.
Without --wet-run it only says what it would do.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from mobility import form_tokens, services


class Command(BaseCommand):
    help = (
        "Supprime les réponses d'API mémorisées pour Idempotency-Key et les jetons de "
        "formulaire consommés, au-delà de leur durée."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wet-run", action="store_true", help="Supprimer vraiment (sinon : simulation)."
        )

    def handle(self, *args, wet_run: bool, **options):
        now = timezone.now()
        if wet_run:
            count = services.idempotency_keys_purge(now=now)
            forms_count = form_tokens.purge(now=now)
            self.stdout.write(f"{count} réponse(s) mémorisée(s) supprimée(s).")
            self.stdout.write(f"{forms_count} jeton(s) de formulaire consommé(s) supprimé(s).")
        else:
            expired = services.expired_idempotency_keys(now=now).count()
            self.stdout.write(
                f"{expired} réponse(s) mémorisée(s) à supprimer "
                "(simulation : relancez avec --wet-run pour supprimer)."
            )
            self.stdout.write(
                f"{form_tokens.expired(now=now).count()} jeton(s) de formulaire consommé(s) "
                "à supprimer (simulation)."
            )
