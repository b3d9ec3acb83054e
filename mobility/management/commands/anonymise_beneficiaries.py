"""Anonymise the people whose last pathway ended more than PERSONAL_DATA_RETENTION_DAYS ago,
and the fiches that never became a person once their own retention period is over.

Run it daily (cron, or the background tasks). Without --wet-run it only counts; each
person and each fiche is handled in a transaction of its own, so one failure leaves the
others done. The work is services.anonymise_past_retention.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from mobility import services


class Command(BaseCommand):
    help = (
        "Anonymise les personnes sorties de parcours depuis plus que la durée de conservation, "
        "et les fiches de liaison jamais devenues un parcours arrivées à la leur."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wet-run", action="store_true", help="Anonymiser vraiment (sinon : simulation)."
        )

    def handle(self, *args, wet_run: bool, **options):
        today = timezone.localdate()
        if not wet_run:
            due = services.due_for_anonymisation(today=today)
            self.stdout.write(
                f"{len(due.beneficiary_ids)} personne(s) à anonymiser (dernière sortie au plus "
                f"tard le {due.cutoff:%d/%m/%Y}) et {len(due.referral_ids)} fiche(s) de "
                "liaison sans parcours arrivée(s) à échéance — simulation : relancez avec "
                "--wet-run."
            )
            return
        done = services.anonymise_past_retention(today=today)
        self.stdout.write(
            f"{done.people} personne(s) anonymisée(s), {done.referrals_erased} fiche(s) de "
            f"liaison sans parcours effacée(s), {done.referrals_linked} rattachée(s) à la "
            "personne suivie qu'elles nomment."
        )
