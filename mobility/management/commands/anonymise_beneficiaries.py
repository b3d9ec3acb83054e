"""Anonymise the people whose last pathway ended more than PERSONAL_DATA_RETENTION_DAYS ago.

The daily job `anonymisation` (mobility/jobs.py) runs the same service every night.
Without --wet-run it only counts; each person is anonymised in a transaction of its own,
so one failure leaves the others done.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from mobility import services
from mobility.models import Beneficiary
from mobility.rules import anonymisation_cutoff


class Command(BaseCommand):
    help = "Anonymise les personnes sorties de parcours depuis plus que la durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wet-run", action="store_true", help="Anonymiser vraiment (sinon : simulation)."
        )

    def handle(self, *args, wet_run: bool, **options):
        cutoff = anonymisation_cutoff(
            today=timezone.localdate(), retention_days=settings.PERSONAL_DATA_RETENTION_DAYS
        )
        if not wet_run:
            due = Beneficiary.objects.due_for_anonymisation(cutoff=cutoff).count()
            self.stdout.write(
                f"{due} personne(s) à anonymiser (dernière sortie au plus tard le "
                f"{cutoff:%d/%m/%Y}) — simulation : relancez avec --wet-run."
            )
            return
        count = services.beneficiaries_anonymise_due(today=timezone.localdate())
        self.stdout.write(f"{count} personne(s) anonymisée(s).")
